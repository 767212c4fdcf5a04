package io.baton.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The campaign's own PostgreSQL: an embedded server the bench starts on a directory and a port of
 * its own and hands to the orchestrator as {@code spring.datasource.*}, so that it can be stopped
 * and started again under load, and its connections cut, independently of the orchestrator.
 */
final class ChaosPostgres implements AutoCloseable {

  /** What the bench's own connections call themselves, so cutting connections spares them. */
  static final String APPLICATION = "baton-chaos";

  private final Path dir;
  private final int port;
  private EmbeddedPostgres server;

  private ChaosPostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static ChaosPostgres start(Path dir) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ChaosPostgres postgres = new ChaosPostgres(dir, port);
    postgres.start();
    return postgres;
  }

  synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    server =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            .setServerConfig("synchronous_commit", "on")
            .start();
  }

  /** Stops the server (fast shutdown: open transactions roll back, clients are disconnected). */
  synchronized void stop() throws IOException {
    if (server != null) {
      try {
        server.close();
      } finally {
        server = null;
      }
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  int port() {
    return port;
  }

  Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("ApplicationName", APPLICATION);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(), props);
  }

  /** Terminates every client backend but the bench's own; returns how many. */
  int cutConnections() throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    + " AND coalesce(application_name, '') <> ?"); ) {
      ps.setString(1, APPLICATION);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
