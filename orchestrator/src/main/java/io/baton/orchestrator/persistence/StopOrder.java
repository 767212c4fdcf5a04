package io.baton.orchestrator.persistence;

import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * The order of a stop (SIGTERM): first everything that starts work — Quartz goes to standby, the
 * scheduler's kicks, the reconcile loops, the webhook sender, the event stream, the node-token
 * check, ingest — each a {@code SmartLifecycle} whose {@code stop()} waits for the work in
 * progress; then the web server; then, as beans are destroyed, Quartz (waiting for its running
 * jobs, {@code spring.quartz.wait-for-jobs-to-complete-on-shutdown}), the connection pool, and last
 * the embedded database, which the pool depends on.
 *
 * <p>Spring destroys a bean's dependents before the bean. Boot hands the data source to Quartz
 * through an {@code ObjectProvider}, which records no dependency; this records it, so the pool
 * stays open until Quartz's last job and its cluster check-in have ended.
 */
@Configuration(proxyBeanMethods = false)
class StopOrder {

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
