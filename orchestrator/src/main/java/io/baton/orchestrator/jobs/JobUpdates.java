package io.baton.orchestrator.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The writes to a job's row that other features ask for: why a job waits (the scheduler) and which
 * nodes it must avoid (the runner). Each runs in the caller's transaction.
 */
@Component
public class JobUpdates {

  private final JdbcClient jdbc;
  private final JdbcTemplate jdbcTemplate;

  JobUpdates(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
    this.jdbc = jdbc;
    this.jdbcTemplate = jdbcTemplate;
  }

  /** Records why each waiting job waits, writing only what changed. */
  public void pendingReasons(Map<UUID, String> reasons) {
    if (reasons.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>();
    reasons.forEach((id, reason) -> rows.add(new Object[] {reason, id, reason}));
    jdbcTemplate.batchUpdate(
        "UPDATE jobs SET pending_reason = ? WHERE id = ? AND pending_reason IS DISTINCT FROM ?",
        rows);
  }

  /** Adds nodes the job's next placements must avoid. */
  public void exclude(UUID job, List<String> nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            UPDATE jobs
               SET excluded_nodes =
                   ARRAY(SELECT DISTINCT unnest(excluded_nodes || string_to_array(:nodes, ',')))
             WHERE id = :job
            """)
        .param("nodes", String.join(",", nodes))
        .param("job", job)
        .update();
  }
}
