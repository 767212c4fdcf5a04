package io.baton.orchestrator.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * A request that failed because the database could not be reached — stopped, restarting, its
 * connections cut, or the pool out of connections — is the server's temporary state, not a fault in
 * the request: it gets {@code 503 database-unavailable} with {@code Retry-After}, so that clients
 * (the CLI, agents, pipelines) retry instead of giving up on a 500.
 */
final class DatabaseUnavailable {

  public static final int RETRY_AFTER_SECONDS = 2;

  private DatabaseUnavailable() {}

  /** Whether {@code e} or one of its causes says the database could not be reached. */
  public static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof TransientDataAccessResourceException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql
          && (connectionLost(sql.getSQLState()) || CLOSED.equals(sql.getMessage()))) {
        return true;
      }
      // A commit or rollback that failed in JDBC: the connection broke under the transaction.
      if (t instanceof TransactionSystemException tx
          && (tx.getCause() instanceof SQLException
              || (tx.getApplicationException() != null && is(tx.getApplicationException())))) {
        return true;
      }
    }
    return false;
  }

  /** What the pool's proxy of a connection it already closed says (no SQL state). */
  private static final String CLOSED = "Connection is closed";

  /**
   * SQL states of a lost server: class 08 (connection exception) and 57P01–57P03 (terminated by an
   * administrator, crash shutdown, cannot connect now).
   */
  static boolean connectionLost(String state) {
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  /** The answer of an MVC handler or the error controller. */
  static ResponseEntity<ProblemDetail> response() {
    return ResponseEntity.status(503)
        .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.of(503, TYPE, TITLE, DETAIL));
  }

  public static final String TYPE = "database-unavailable";
  public static final String TITLE = "Database unavailable";
  public static final String DETAIL =
      "The database cannot be reached at the moment; nothing was changed by a request that got"
          + " this answer unless its own resource says so. Retry after a pause.";
}
