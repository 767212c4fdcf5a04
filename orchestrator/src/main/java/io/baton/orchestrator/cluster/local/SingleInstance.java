package io.baton.orchestrator.cluster.local;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The local backend runs ranks and replicas as children of this process, which no other
 * orchestrator can see: two instances on one database would each take the other's ranks for
 * vanished and launch the jobs again. So the first one holds a PostgreSQL session-level advisory
 * lock, on a connection of its own (outside the pool) for the life of the process, and a second one
 * refuses to start ({@link AnotherInstanceOnDatabase}). The lock goes with the session: a killed
 * instance frees it at once.
 *
 * <p>Taken while the beans are made, before any loop, rank or web server starts. Off with {@code
 * baton.cluster.local.single-instance=false}, which is for tests only (several simulated
 * orchestrators on one machine, sharing the lease; see docs/operations.md).
 */
@Component
@ConditionalOnProperty(
    name = {"baton.cluster.local.single-instance"},
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
class SingleInstance implements DisposableBean {

  /** The advisory lock's key: {@code hashtextextended('baton/local-backend', 0)}. */
  static final String KEY = "baton/local-backend";

  private static final Logger log = LoggerFactory.getLogger(SingleInstance.class);

  private final DataSource dataSource;
  private volatile Connection connection;
  private final ScheduledExecutorService watch =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "baton-single-instance");
            thread.setDaemon(true);
            return thread;
          });

  SingleInstance(DataSource dataSource) {
    this.dataSource = dataSource;
    Connection opened = open(dataSource);
    try {
      if (!tryLock(opened)) {
        String url = describe(opened);
        close(opened);
        throw new AnotherInstanceOnDatabase(url);
      }
    } catch (SQLException e) {
      close(opened);
      throw new IllegalStateException("cannot take the single-instance lock", e);
    }
    this.connection = opened;
    log.debug("Holding the local backend's single-instance lock");
    watch.scheduleWithFixedDelay(this::retake, 5, 5, TimeUnit.SECONDS);
  }

  /**
   * A database restart (or a cut connection) ends the lock's session: take the lock again on a new
   * connection as soon as the database answers.
   */
  private void retake() {
    if (held()) {
      return;
    }
    close(connection);
    try {
      Connection opened = open(dataSource);
      if (tryLock(opened)) {
        connection = opened;
        log.info("Took the local backend's single-instance lock again after losing its session");
      } else {
        close(opened);
        log.error(
            "Another Baton instance on the local backend took this database's lock while this one"
                + " had lost its connection; stop one of them");
      }
    } catch (RuntimeException | SQLException e) {
      log.debug("Single-instance lock not retaken yet: {}", e.toString());
    }
  }

  /** A connection outside the pool: the pool may close and replace its own at any time. */
  private static Connection open(DataSource dataSource) {
    try {
      if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
        Properties credentials = new Properties();
        if (hikari.getUsername() != null) {
          credentials.setProperty("user", hikari.getUsername());
        }
        if (hikari.getPassword() != null) {
          credentials.setProperty("password", hikari.getPassword());
        }
        credentials.setProperty("ApplicationName", "baton single-instance lock");
        return DriverManager.getConnection(hikari.getJdbcUrl(), credentials);
      }
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("no database connection for the single-instance lock", e);
    }
  }

  private static boolean tryLock(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
      statement.setString(1, KEY);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static String describe(Connection connection) {
    try {
      String url = connection.getMetaData().getURL();
      return url == null ? "this database" : url;
    } catch (SQLException e) {
      return "this database";
    }
  }

  /** Whether the lock's session is still open (a database restart ends it). */
  public boolean held() {
    try {
      return !connection.isClosed() && connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void destroy() {
    watch.shutdownNow();
    close(connection);
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("Closing the single-instance lock's connection failed: {}", e.toString());
    }
  }
}
