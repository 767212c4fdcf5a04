package io.baton.orchestrator.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL session advisory locks on a connection of their own, released when closed or when the
 * holder's connection dies. Each held lock costs a pooled connection for as long as it is held, so
 * it is not for work that waits: promotions, rollouts and tasks use row claims ({@link RowClaims}),
 * which hold no connection between steps.
 */
@Component
class AdvisoryLocks {

  private static final Logger log = LoggerFactory.getLogger(AdvisoryLocks.class);

  private final DataSource dataSource;

  AdvisoryLocks(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A held lock; closing it releases the lock and returns the connection. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Takes the lock named {@code key} unless another session holds it. */
  public Optional<Held> tryLock(String key) {
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("no database connection for lock " + key, e);
    }
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
      statement.setString(1, key);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          return Optional.of(() -> release(connection, key));
        }
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new IllegalStateException("cannot take lock " + key, e);
    }
    closeQuietly(connection);
    return Optional.empty();
  }

  private static void release(Connection connection, String key) {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
      statement.setString(1, key);
      statement.execute();
    } catch (SQLException e) {
      log.warn("Cannot release lock {}: {}", key, e.toString());
    } finally {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback();
      }
      connection.close();
    } catch (SQLException e) {
      log.debug("Closing a lock connection failed: {}", e.toString());
    }
  }
}
