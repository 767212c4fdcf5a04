package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link ChaosInvariants} against crafted rows in a real PostgreSQL with Baton's own
 * schema (the migrations in {@code sql/}, applied in order): a clean history finds nothing, and
 * each violation is found by its check and by no other.
 */
class ChaosInvariantsTest {

  private static EmbeddedPostgres postgres;
  private static Connection db;

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private final List<ChaosInvariants.Accepted> accepted = new ArrayList<>();
  private final List<ChaosInvariants.AckedReport> acked = new ArrayList<>();
  private final List<ChaosInvariants.RankSighting> ranks = new ArrayList<>();
  private final List<ChaosInvariants.Leftover> leftovers = new ArrayList<>();

  @BeforeAll
  static void schema() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    db = postgres.getPostgresDatabase().getConnection();
    List<Path> migrations;
    try (Stream<Path> files = Files.list(Path.of("..", "sql"))) {
      migrations =
          files
              .filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
              .sorted(Comparator.comparingInt(ChaosInvariantsTest::version))
              .toList();
    }
    try (Statement s = db.createStatement()) {
      for (Path migration : migrations) {
        s.execute(Files.readString(migration));
      }
    }
  }

  private static int version(Path file) {
    String name = file.getFileName().toString();
    return Integer.parseInt(name.substring(1, name.indexOf("__")));
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
    postgres.close();
  }

  @BeforeEach
  void empty() throws Exception {
    try (Statement s = db.createStatement()) {
      s.execute(
          "TRUNCATE jobs, events, job_attempts, allocations, nodes, checkpoints, job_progress,"
              + " promotions, endpoints, endpoint_revisions, rollouts, idempotency_keys CASCADE");
    }
  }

  // ---- a clean campaign ----

  @Test
  void aCleanHistoryHasNoFindings() throws Exception {
    UUID first = finishedJob("chaos-1", "n1 [0, 1]", T0, T0.plusSeconds(10));
    UUID second = finishedJob("chaos-2", "n1 [0, 1]", T0.plusSeconds(10), T0.plusSeconds(20));
    node("n1", BOOT, 7);
    progress(first, 1, 0, 5);
    acked.add(report("n1", 7, T0.plusSeconds(5), line(first, 1, 5)));
    UUID checkpoint = checkpoint(second, 25);
    activePromotion(second, checkpoint, 1);
    ranks.add(sighting(first, 1, 0, 100, T0, T0.plusSeconds(9)));
    ranks.add(sighting(second, 1, 0, 101, T0.plusSeconds(11), T0.plusSeconds(19)));
    leftovers.add(replica(200, "serving", 1, 0));

    ChaosInvariants.Findings findings = check();

    assertThat(findings.violations()).allSatisfy((key, found) -> assertThat(found).isEmpty());
    assertThat(findings.violations()).containsOnlyKeys(ChaosInvariants.KEYS);
  }

  // ---- each check catches its violation ----

  @Test
  void aLostSubmissionIsFound() throws Exception {
    accepted.add(new ChaosInvariants.Accepted("chaos-9", UUID.randomUUID()));

    assertOnly(check(), "lostSubmissions", 1);
  }

  @Test
  void aSubmissionThatExistsTwiceIsFound() throws Exception {
    finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(5));
    UUID again = UUID.randomUUID();
    job(again, "chaos-1", "SUCCEEDED", null, 0);
    event(again, null, "QUEUED", null, T0.plusSeconds(6));
    event(again, "QUEUED", "SUCCEEDED", null, T0.plusSeconds(7));

    assertOnly(check(), "lostSubmissions", 1);
  }

  @Test
  void aKeyThatNoLongerNamesItsJobIsFound() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(5));
    exec("DELETE FROM idempotency_keys WHERE resource_id = ?", id);

    assertOnly(check(), "lostSubmissions", 1);
  }

  @Test
  void anAttemptAdmittedTwiceIsFound() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(5));
    // A second ADMITTED event for the same (only) attempt: two launches of attempt 1.
    event(id, "SUCCEEDED", "ADMITTED", "placed on n2 [3]", T0.plusSeconds(6));
    event(id, "ADMITTED", "SUCCEEDED", null, T0.plusSeconds(7));

    ChaosInvariants.Findings findings = check();

    assertThat(findings.count("duplicateLaunches")).isEqualTo(1);
  }

  @Test
  void twoAttemptsHoldingChipsAtOnceAreFound() throws Exception {
    UUID id = UUID.randomUUID();
    job(id, "chaos-1", "SUCCEEDED", null, 2);
    submission(id, "chaos-1");
    event(id, null, "QUEUED", null, T0);
    event(id, "QUEUED", "ADMITTED", "placed on n1 [0]", T0.plusSeconds(1));
    event(id, "ADMITTED", "RECOVERING", "node lost", T0.plusSeconds(3));
    event(id, "RECOVERING", "ADMITTED", "placed on n2 [0]", T0.plusSeconds(4));
    event(id, "ADMITTED", "SUCCEEDED", null, T0.plusSeconds(9));
    // Attempt 1 released its chips only after attempt 2 was admitted.
    attempt(id, 1, T0.plusSeconds(1), T0.plusSeconds(5));
    attempt(id, 2, T0.plusSeconds(4), T0.plusSeconds(9));

    assertOnly(check(), "duplicateLaunches", 1);
  }

  @Test
  void aRankSeenAsTwoProcessesIsFound() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(10));
    ranks.add(sighting(id, 1, 0, 100, T0, T0.plusSeconds(3)));
    ranks.add(sighting(id, 1, 0, 101, T0.plusSeconds(4), T0.plusSeconds(9)));

    assertOnly(check(), "duplicateLaunches", 1);
  }

  @Test
  void ranksOfTwoAttemptsAliveAtOnceAreFound() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(10));
    ranks.add(sighting(id, 1, 0, 100, T0, T0.plusSeconds(5)));
    ranks.add(sighting(id, 2, 0, 101, T0.plusSeconds(5), T0.plusSeconds(9)));

    assertOnly(check(), "duplicateLaunches", 1);
  }

  @Test
  void aChipBookedTwiceIsFound() throws Exception {
    finishedJob("chaos-1", "n1 [0, 1]", T0, T0.plusSeconds(10));
    finishedJob("chaos-2", "n1 [1, 2]", T0.plusSeconds(5), T0.plusSeconds(15));

    assertOnly(check(), "doubleBookedChips", 1);
  }

  @Test
  void aPromotionEndedTwiceOrNeverIsFound() throws Exception {
    UUID job = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(5));
    UUID checkpoint = checkpoint(job, 25);
    UUID twice = activePromotion(job, checkpoint, 1);
    promotionEvent(twice, "ROLLING_OUT", "ROLLED_BACK");
    UUID never = UUID.randomUUID();
    exec(
        "INSERT INTO promotions (id, job_id, checkpoint_id, endpoint, state, trigger, policy,"
            + " actor, created_at, updated_at) VALUES (?, ?, ?, 'serving', 'PARITY', 'manual',"
            + " '{}', 'admin', now(), now())",
        never,
        job,
        checkpoint);

    assertOnly(check(), "promotionsNotOnce", 2);
  }

  @Test
  void anActivePromotionWithoutItsRevisionIsFound() throws Exception {
    UUID job = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(5));
    UUID checkpoint = checkpoint(job, 25);
    UUID p = activePromotion(job, checkpoint, 1);
    exec("UPDATE promotions SET revision = 2 WHERE id = ?", p);

    assertOnly(check(), "promotionsNotOnce", 1);
  }

  @Test
  void anAcknowledgedHeartbeatTheNodeNeverGotIsFound() throws Exception {
    node("n1", BOOT, 5);
    acked.add(report("n1", 9, T0));

    assertOnly(check(), "lostAcknowledgedReports", 1);
  }

  @Test
  void anAcknowledgedProgressLineThatIsMissingIsFound() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(10));
    node("n1", BOOT, 3);
    progress(id, 1, 0, 4);
    acked.add(report("n1", 3, T0.plusSeconds(3), line(id, 1, 4), line(id, 1, 5)));

    assertOnly(check(), "lostAcknowledgedReports", 1);
  }

  @Test
  void aLineAcknowledgedAfterItsAttemptEndedMayBeDropped() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(10));
    node("n1", BOOT, 3);
    // Buffered while cut off, replayed after the job ended: ingest rightly refuses it.
    acked.add(report("n1", 3, T0.plusSeconds(30), line(id, 1, 5)));
    // Nor must a line of another node's attempt land.
    acked.add(report("n2", 3, T0.plusSeconds(3), line(id, 1, 6)));
    node("n2", BOOT, 3);

    assertThat(check().total()).isZero();
  }

  @Test
  void orphansAreFound() throws Exception {
    UUID finished = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(10));
    UUID job = finishedJob("chaos-2", "n1 [1]", T0, T0.plusSeconds(10));
    UUID checkpoint = checkpoint(job, 25);
    activePromotion(job, checkpoint, 1);
    leftovers.add(rank(300, finished, 1, 0));
    leftovers.add(replica(301, "serving", 0, 0));
    leftovers.add(replica(302, "serving", 1, 0));
    leftovers.add(replica(303, "serving", 1, 0));
    leftovers.add(
        new ChaosInvariants.Leftover(304, null, null, null, null, null, null, "java -jar x"));

    ChaosInvariants.Findings findings = check();

    assertOnly(findings, "orphans", 4);
    assertThat(findings.violations().get("orphans"))
        .anySatisfy(v -> assertThat(v).contains("pid 300").contains("SUCCEEDED"))
        .anySatisfy(v -> assertThat(v).contains("pid 301").contains("serves revision 1"))
        .anySatisfy(v -> assertThat(v).contains("pid 303").contains("second process"))
        .anySatisfy(v -> assertThat(v).contains("pid 304"));
  }

  @Test
  void aRankOfALiveAttemptIsNoOrphan() throws Exception {
    UUID id = UUID.randomUUID();
    job(id, "chaos-1", "RUNNING", null, 2);
    leftovers.add(rank(300, id, 2, 0));
    leftovers.add(rank(301, id, 1, 0));

    ChaosInvariants.Findings findings = check();

    assertThat(findings.violations().get("orphans"))
        .singleElement()
        .satisfies(v -> assertThat(v).contains("pid 301").contains("attempt 2"));
  }

  @Test
  void unfinishedJobsAndFailuresWithoutAReasonAreFound() throws Exception {
    job(UUID.randomUUID(), "chaos-1", "RUNNING", null, 1);
    job(UUID.randomUUID(), "chaos-2", "FAILED", null, 1);
    job(UUID.randomUUID(), "chaos-3", "FAILED", "restarts exhausted", 1);

    assertOnly(check(), "unfinishedJobs", 2);
  }

  @Test
  void aResurrectedJobIsFound() throws Exception {
    UUID id = finishedJob("chaos-1", "n1 [0]", T0, T0.plusSeconds(10));
    event(id, "RUNNING", "SUCCEEDED", null, T0.plusSeconds(11));

    assertOnly(check(), "illegalTransitions", 1);
  }

  @Test
  void placementsAreReadFromTheAdmissionReason() {
    assertThat(ChaosInvariants.placement("placed on ascend-910b-0 [0, 1], ascend-910b-edge [7]"))
        .isEqualTo(Map.of("ascend-910b-0", List.of(0, 1), "ascend-910b-edge", List.of(7)));
    assertThat(ChaosInvariants.placement(null)).isEmpty();
  }

  // ---- rows ----

  private static final UUID BOOT = UUID.fromString("00000000-0000-0000-0000-0000000000b1");

  private ChaosInvariants.Findings check() throws Exception {
    return ChaosInvariants.check(
        db, new ChaosInvariants.Observations(accepted, acked, ranks, leftovers));
  }

  private static void assertOnly(ChaosInvariants.Findings findings, String key, int count) {
    assertThat(findings.count(key)).as(key + ": " + findings.violations()).isEqualTo(count);
    assertThat(findings.total()).as(findings.violations().toString()).isEqualTo(count);
  }

  /** A job through QUEUED → ADMITTED → STARTING → RUNNING → SUCCEEDED in one attempt. */
  private UUID finishedJob(String name, String placed, Instant from, Instant to) throws Exception {
    UUID id = UUID.randomUUID();
    job(id, name, "SUCCEEDED", null, 1);
    submission(id, name);
    event(id, null, "QUEUED", null, from);
    event(id, "QUEUED", "ADMITTED", "placed on " + placed, from);
    event(id, "ADMITTED", "STARTING", null, from.plusMillis(100));
    event(id, "STARTING", "RUNNING", null, from.plusMillis(200));
    event(id, "RUNNING", "SUCCEEDED", null, to);
    attempt(id, 1, from, to);
    return id;
  }

  private void submission(UUID id, String key) throws Exception {
    accepted.add(new ChaosInvariants.Accepted(key, id));
    exec(
        "INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)"
            + " VALUES ('jobs', ?, 'h', ?, now())",
        key,
        id);
  }

  private static void job(UUID id, String name, String state, String reason, int attempt)
      throws Exception {
    exec(
        "INSERT INTO jobs (id, name, team, pool, priority, spec, state, reason, attempt,"
            + " created_at, updated_at) VALUES (?, ?, 'bench', 'p', 0, '{}', ?, ?, ?, now(),"
            + " now())",
        id,
        name,
        state,
        reason,
        attempt);
  }

  private static void event(UUID job, String from, String to, String reason, Instant at)
      throws Exception {
    exec(
        "INSERT INTO events (type, subject, job_id, from_state, to_state, reason, actor, at)"
            + " VALUES ('job.state', ?, ?, ?, ?, ?, 'test', ?)",
        "job/" + job,
        job,
        from,
        to,
        reason,
        Timestamp.from(at));
  }

  private static void attempt(UUID job, int n, Instant admitted, Instant released)
      throws Exception {
    exec(
        "INSERT INTO job_attempts (job_id, attempt, pool, team, chips, admitted_at, released_at)"
            + " VALUES (?, ?, 'p', 'bench', 1, ?, ?)",
        job,
        n,
        Timestamp.from(admitted),
        released == null ? null : Timestamp.from(released));
  }

  private static void node(String name, UUID boot, long seq) throws Exception {
    exec(
        "INSERT INTO nodes (name, pool, boot_id, last_seq, created_at, updated_at)"
            + " VALUES (?, 'p', ?, ?, now(), now())",
        name,
        boot,
        seq);
  }

  private static void progress(UUID job, int attempt, int rank, long step) throws Exception {
    exec(
        "INSERT INTO job_progress (job_id, step, rank, attempt, at, data)"
            + " VALUES (?, ?, ?, ?, now(), '{}')",
        job,
        step,
        rank,
        attempt);
  }

  private static UUID checkpoint(UUID job, long step) throws Exception {
    UUID id = UUID.randomUUID();
    exec(
        "INSERT INTO checkpoints (id, job_id, step, path, rank, reported_at, data)"
            + " VALUES (?, ?, ?, 'step-' || ?, 0, now(), '{}')",
        id,
        job,
        step,
        step);
    return id;
  }

  /** An ACTIVE promotion of a checkpoint that made revision {@code revision} of "serving". */
  private static UUID activePromotion(UUID job, UUID checkpoint, int revision) throws Exception {
    UUID id = UUID.randomUUID();
    exec(
        "INSERT INTO endpoints (name, pool, state, desired_replicas, current_revision,"
            + " created_at, updated_at) VALUES ('serving', 'gpu', 'READY', 1, ?, now(), now())"
            + " ON CONFLICT (name) DO UPDATE SET current_revision = excluded.current_revision",
        revision);
    exec(
        "INSERT INTO promotions (id, job_id, checkpoint_id, endpoint, state, trigger, policy,"
            + " revision, actor, created_at, updated_at, ended_at) VALUES (?, ?, ?, 'serving',"
            + " 'ACTIVE', 'manual', '{}', ?, 'admin', now(), now(), now())",
        id,
        job,
        checkpoint,
        revision);
    exec(
        "INSERT INTO endpoint_revisions (endpoint, revision, checkpoint_id, job_id, promotion_id,"
            + " artifact, created_at) VALUES ('serving', ?, ?, ?, ?, 'model', now())",
        revision,
        checkpoint,
        job,
        id);
    promotionEvent(id, "ROLLING_OUT", "ACTIVE");
    return id;
  }

  private static void promotionEvent(UUID promotion, String from, String to) throws Exception {
    exec(
        "INSERT INTO events (type, subject, from_state, to_state, actor, at)"
            + " VALUES ('promotion.state', ?, ?, ?, 'test', now())",
        "promotion/" + promotion,
        from,
        to);
  }

  private static ChaosInvariants.AckedReport report(
      String node, long seq, Instant at, ChaosInvariants.Line... lines) {
    return new ChaosInvariants.AckedReport(node, BOOT, seq, at, List.of(lines));
  }

  private static ChaosInvariants.Line line(UUID job, int attempt, long step) {
    return new ChaosInvariants.Line(job, attempt, 0, step, false);
  }

  private static ChaosInvariants.RankSighting sighting(
      UUID job, int attempt, int rank, long pid, Instant first, Instant last) {
    return new ChaosInvariants.RankSighting(job, attempt, rank, pid, pid * 10, first, last);
  }

  private static ChaosInvariants.Leftover rank(long pid, UUID job, int attempt, int rank) {
    return new ChaosInvariants.Leftover(pid, job, attempt, rank, null, null, null, "train");
  }

  private static ChaosInvariants.Leftover replica(
      long pid, String endpoint, int revision, int replica) {
    return new ChaosInvariants.Leftover(
        pid, null, null, null, endpoint, revision, replica, "serve");
  }

  private static void exec(String sql, Object... args) throws Exception {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    }
  }
}
