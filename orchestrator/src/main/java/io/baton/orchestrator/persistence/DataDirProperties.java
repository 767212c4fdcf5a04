package io.baton.orchestrator.persistence;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the orchestrator keeps local state, and how the embedded PostgreSQL behaves.
 *
 * @param dataDir root of local state; the embedded database lives in {@code <dataDir>/postgres}
 * @param embeddedPostgres settings of the embedded database, used only when no {@code
 *     spring.datasource.url} is configured
 */
@ConfigurationProperties("baton")
public record DataDirProperties(
    @DefaultValue(".baton") Path dataDir, @DefaultValue EmbeddedPostgres embeddedPostgres) {

  /**
   * @param port fixed port, or 0 for a free one at every start
   * @param startupTimeout how long to wait for the server to accept connections
   */
  public record EmbeddedPostgres(
      @DefaultValue("0") int port, @DefaultValue("60s") Duration startupTimeout) {}
}
