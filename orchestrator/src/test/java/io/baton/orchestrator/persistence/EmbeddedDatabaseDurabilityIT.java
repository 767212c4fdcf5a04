package io.baton.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The embedded PostgreSQL, asked what it runs with: a commit survives a power loss. */
class EmbeddedDatabaseDurabilityIT extends IntegrationTest {

  @Autowired JdbcClient jdbc;

  @Test
  void theRunningServerFlushesAndWritesFullPages() {
    assertThat(show("fsync")).isEqualTo("on");
    assertThat(show("full_page_writes")).isEqualTo("on");
    assertThat(show("synchronous_commit")).isEqualTo("on");
    assertThat(
            jdbc.sql("SELECT source FROM pg_settings WHERE name = 'fsync'")
                .query(String.class)
                .single())
        .as("set on the command line by EmbeddedDatabase, not left to a default")
        .isEqualTo("command line");
  }

  private String show(String setting) {
    return jdbc.sql("SHOW " + setting).query(String.class).single();
  }
}
