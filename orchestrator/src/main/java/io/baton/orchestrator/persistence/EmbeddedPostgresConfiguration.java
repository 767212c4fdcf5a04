package io.baton.orchestrator.persistence;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Without {@code spring.datasource.url}, the orchestrator brings its own PostgreSQL: one command
 * runs everything. With it, nothing embedded starts.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatasourceUrl.class)
class EmbeddedPostgresConfiguration {

  @Bean(destroyMethod = "close")
  EmbeddedDatabase embeddedDatabase(DataDirProperties properties) {
    return EmbeddedDatabase.start(
        properties.dataDir(),
        properties.embeddedPostgres().port(),
        properties.embeddedPostgres().startupTimeout());
  }

  /**
   * Depends on the database (its parameter): the pool closes first, the database last. Sized like
   * an external database's pool: {@code spring.datasource.hikari.*} applies.
   */
  @Bean(destroyMethod = "close")
  @org.springframework.boot.context.properties.ConfigurationProperties("spring.datasource.hikari")
  DataSource dataSource(EmbeddedDatabase database) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(database.jdbcUrl());
    dataSource.setUsername("postgres");
    dataSource.setPoolName("baton-embedded");
    dataSource.setMaximumPoolSize(20);
    return dataSource;
  }

  static final class NoDatasourceUrl extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      String url = context.getEnvironment().getProperty("spring.datasource.url");
      return StringUtils.hasText(url)
          ? ConditionOutcome.noMatch("spring.datasource.url is set")
          : ConditionOutcome.match("no spring.datasource.url: embedded PostgreSQL");
    }
  }
}
