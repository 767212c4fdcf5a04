package io.baton.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failures mean "the database cannot be reached" (503, retry) rather than a fault (500). */
class DatabaseUnavailableTest {

  @Test
  void aPoolOutOfConnectionsOrNoConnectionAtAllIsUnavailable() {
    assertThat(
            DatabaseUnavailable.is(
                new CannotGetJdbcConnectionException(
                    "no connection",
                    new SQLTransientConnectionException("baton - Connection is not available"))))
        .isTrue();
    assertThat(DatabaseUnavailable.is(new CannotCreateTransactionException("no connection")))
        .isTrue();
    assertThat(DatabaseUnavailable.is(new DataAccessResourceFailureException("gone"))).isTrue();
  }

  @Test
  void aConnectionTheServerTerminatedIsUnavailableHoweverSpringWrappedIt() {
    SQLException terminated =
        new SQLException("terminating connection due to administrator command", "57P01");
    assertThat(
            DatabaseUnavailable.is(new UncategorizedSQLException("update", "UPDATE", terminated)))
        .isTrue();
    assertThat(
            DatabaseUnavailable.is(
                new IllegalStateException(
                    "wrapped", new SQLException("An I/O error occurred", "08006"))))
        .isTrue();
    assertThat(
            DatabaseUnavailable.is(new SQLException("the database system is starting up", "57P03")))
        .isTrue();
  }

  @Test
  void aRollbackOrCommitThatFailedOnAClosedConnectionIsUnavailable() {
    assertThat(
            DatabaseUnavailable.is(
                new org.springframework.transaction.TransactionSystemException(
                    "JDBC rollback failed", new SQLException("Connection is closed"))))
        .isTrue();
    assertThat(DatabaseUnavailable.is(new SQLException("Connection is closed")))
        .as("the pool's proxy of a closed connection")
        .isTrue();
  }

  @Test
  void theRequestsOwnFaultsAndPlainBugsAreNot() {
    assertThat(
            DatabaseUnavailable.is(
                new DataIntegrityViolationException(
                    "duplicate", new SQLException("duplicate key", "23505"))))
        .isFalse();
    assertThat(DatabaseUnavailable.is(new SQLException("syntax error", "42601"))).isFalse();
    assertThat(DatabaseUnavailable.is(new NullPointerException())).isFalse();
    assertThat(DatabaseUnavailable.is(new SQLException("no state"))).isFalse();
  }
}
