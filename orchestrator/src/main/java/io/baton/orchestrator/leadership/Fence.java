package io.baton.orchestrator.leadership;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The proof of ownership a write carries: the lease, its holder and the fencing token of the
 * holder's acquisition. A write guarded by it adds {@link #CONDITION} to its {@code WHERE}, so it
 * applies only while that very acquisition still holds the lease by the database's clock: a replica
 * that lost the lease while paused (GC, a stopped VM, a partition) cannot act on stale beliefs.
 */
public record Fence(String lease, String holder, long token) {

  /** The check a fenced statement adds with {@code AND}; bind it with {@link #bind}. */
  public static final String CONDITION =
      "EXISTS (SELECT 1 FROM leases WHERE name = :fenceLease AND holder = :fenceHolder"
          + " AND token = :fenceToken AND expires_at > now())";

  /** Binds the parameters of {@link #CONDITION}. */
  public JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
    return statement
        .param("fenceLease", lease)
        .param("fenceHolder", holder)
        .param("fenceToken", token);
  }

  /** Whether this acquisition still holds the lease now. */
  public boolean holds(JdbcClient jdbc) {
    return bind(jdbc.sql("SELECT " + CONDITION)).query(Boolean.class).single();
  }

  /**
   * After a fenced statement changed nothing: throws {@link LeaseLost} when the fence is why, so
   * the caller does not mistake it for a concurrent change.
   */
  public void verify(JdbcClient jdbc) {
    if (!holds(jdbc)) {
      throw new LeaseLost(this);
    }
  }
}
