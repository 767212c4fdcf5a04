package io.baton.orchestrator.persistence;

import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * The order of a stop (SIGTERM): first Quartz goes to standby, as soon as the context closes and
 * before any lifecycle phase (a sweep must not mark nodes LOST because the stop has silenced their
 * agents); then everything that starts work — the scheduler's kicks, the reconcile loops, the
 * webhook sender, the event stream, the node-token check, ingest — each a {@code SmartLifecycle}
 * whose {@code stop()} waits for the work in progress; then the web server; then, as beans are
 * destroyed, Quartz (waiting for its running jobs, {@code
 * spring.quartz.wait-for-jobs-to-complete-on-shutdown}), the connection pool, and last the embedded
 * database, which the pool depends on.
 *
 * <p>Spring destroys a bean's dependents before the bean. Boot hands the data source to Quartz
 * through an {@code ObjectProvider}, which records no dependency; this records it, so the pool
 * stays open until Quartz's last job and its cluster check-in have ended.
 */
@Configuration(proxyBeanMethods = false)
class StopOrder {

  private static final Logger log = LoggerFactory.getLogger(StopOrder.class);

  @Bean
  ApplicationListener<ContextClosedEvent> quartzStandsByFirst(
      ObjectProvider<Scheduler> schedulers) {
    return closed ->
        schedulers.forEach(
            scheduler -> {
              try {
                scheduler.standby();
              } catch (SchedulerException e) {
                log.info("Quartz did not go to standby first: {}", e.toString());
              }
            });
  }

  @Bean
  static BeanFactoryPostProcessor quartzStopsBeforeThePool() {
    return beanFactory -> {
      for (String scheduler :
          beanFactory.getBeanNamesForType(SchedulerFactoryBean.class, true, false)) {
        for (String dataSource : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
          beanFactory.registerDependentBean(
              BeanFactoryUtils.transformedBeanName(dataSource),
              BeanFactoryUtils.transformedBeanName(scheduler));
        }
      }
    };
  }
}
