package io.baton.orchestrator.cluster.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The local backend is single-instance: while the shared context (a local-backend orchestrator)
 * holds the database's lock, a second instance on the same database refuses to start, with a
 * message that says why and what to do.
 */
class SingleInstanceIT extends IntegrationTest {

  @Autowired DataSource dataSource;
  @Autowired SingleInstance held;

  @TempDir Path tmp;

  @Test
  void theRunningInstanceHoldsTheLockAndASecondOneInThisProcessIsRefused() {
    assertThat(held.held()).isTrue();

    assertThatThrownBy(() -> new SingleInstance(dataSource))
        .isInstanceOf(AnotherInstanceOnDatabase.class)
        .hasMessageContaining("Another Baton instance on the local backend")
        .hasMessageContaining("jdbc:postgresql://");
  }

  @Test
  void aSecondOrchestratorProcessOnTheSameDatabaseExitsWithAClearMessage() throws Exception {
    HikariDataSource hikari = (HikariDataSource) dataSource;
    try (OrchestratorProcess second =
        OrchestratorProcess.start(
            tmp.resolve("data"),
            "second",
            "--spring.datasource.url=" + hikari.getJdbcUrl(),
            "--spring.datasource.username=" + hikari.getUsername())) {
      int exit = second.awaitExit(Duration.ofSeconds(120));

      assertThat(exit).isNotZero();
      assertThat(second.log())
          .contains("APPLICATION FAILED TO START")
          .contains("Another Baton instance on the local backend is already using the database")
          .contains("--baton.cluster.backend=kubernetes");
    }
  }
}
