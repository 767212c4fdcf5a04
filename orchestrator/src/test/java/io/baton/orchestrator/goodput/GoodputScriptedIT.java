package io.baton.orchestrator.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A job's life scripted into the database the way the lifecycle writes it (state, attempt,
 * placement, resume point and times on the {@code jobs} row; progress lines; a hang's restart
 * event), with known times: a chip fault, a hang, a straggler replacement, then success. The
 * trigger keeps its attempts, and the ledger's sums are checked against the script, through the
 * API, the aggregate before and after accounting, and the metric.
 */
class GoodputScriptedIT extends IntegrationTest {

  static final String POOL = "ascend-910b";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired GoodputService goodput;

  Api admin;
  final String team = "gp" + UUID.randomUUID().toString().substring(0, 8);
  final UUID job = UUID.randomUUID();

  /**
   * An hour ago (recent, so retention leaves the finished job alone), moved back when the script's
   * ten minutes would cross midnight UTC, so the job's day is one day.
   */
  final Instant t0 = start(Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.MILLIS));

  static Instant start(Instant candidate) {
    boolean crossesMidnight =
        !candidate
            .atOffset(ZoneOffset.UTC)
            .toLocalDate()
            .equals(candidate.plusSeconds(600).atOffset(ZoneOffset.UTC).toLocalDate());
    return crossesMidnight ? candidate.minusSeconds(1200) : candidate;
  }

  @BeforeEach
  void client() {
    admin = new Api(port, adminToken());
  }

  @Test
  void aFaultAHangAndAStragglerAreAccountedAndAddUp() {
    script();

    JsonNode ledger = admin.get("/api/v1/jobs/" + job + "/goodput").json();

    // Per attempt (16 chips): 1 [10,120] productive 10–114, recovery 114–120;
    // 2 [130,300] recovery 130–140, redone 140–189, productive 189–239, stalled 239–299,
    // recovery 299–300; 3 [310,435] recovery 310–320, productive 320–430, recovery 430–435;
    // 4 [440,550] recovery 440–445, redone 445–474, productive 474–550. Queued: 35 s.
    assertThat(ledger.get("jobId").asString()).isEqualTo(job.toString());
    JsonNode chips = ledger.get("chipSeconds");
    assertThat(chips.get("allocated").asDouble()).isCloseTo(16 * 515, within(0.01));
    assertThat(chips.get("productive").asDouble()).isCloseTo(16 * 340, within(0.01));
    assertThat(chips.get("redone").asDouble()).isCloseTo(16 * 78, within(0.01));
    assertThat(chips.get("recovery").asDouble()).isCloseTo(16 * 37, within(0.01));
    assertThat(chips.get("stalled").asDouble()).isCloseTo(16 * 60, within(0.01));
    assertThat(ledger.get("queuedSeconds").asDouble()).isCloseTo(35, within(0.01));
    assertThat(partsOf(chips)).isCloseTo(chips.get("allocated").asDouble(), within(0.01));
    assertThat(ledger.get("attempts")).hasSize(4);
    assertThat(ledger.at("/attempts/1/resumedFromStep").asLong()).isEqualTo(50);
    assertThat(ledger.at("/attempts/1/hang").asBoolean()).isTrue();
    assertThat(ledger.at("/attempts/2/hang").asBoolean()).isFalse();
    assertThat(ledger.at("/attempts/3/reachedStep").asLong()).isEqualTo(300);

    String day = t0.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    String query = "/api/v1/goodput?team=" + team + "&from=" + day + "&to=" + day;
    JsonNode live = admin.get(query).json().get("items");
    assertThat(live).hasSize(1);
    assertThat(live.at("/0/pool").asString()).isEqualTo(POOL);
    assertThat(live.at("/0/day").isMissingNode()).isTrue();
    assertThat(live.at("/0/chipSeconds/stalled").asDouble()).isCloseTo(16 * 60, within(0.01));

    goodput.accountFinished(1000);

    JsonNode accounted = admin.get(query + "&groupBy=day").json().get("items");
    assertThat(accounted).hasSize(1);
    assertThat(accounted.at("/0/day").asString()).isEqualTo(day);
    assertThat(accounted.at("/0/team").asString()).isEqualTo(team);
    for (String kind : List.of("allocated", "productive", "redone", "recovery", "stalled")) {
      assertThat(accounted.at("/0/chipSeconds/" + kind).asDouble())
          .as("%s once accounted, as it was live", kind)
          .isCloseTo(live.at("/0/chipSeconds/" + kind).asDouble(), within(0.01));
    }
    assertThat(accounted.at("/0/queuedSeconds").asDouble()).isCloseTo(35, within(0.01));
    assertThat(admin.get(query).json().get("items")).as("counted once").hasSize(1);

    String metrics = admin.get("/actuator/prometheus").body();
    assertThat(metric(metrics, "stalled")).isCloseTo(16 * 60, within(0.01));
    assertThat(metric(metrics, "redone")).isCloseTo(16 * 78, within(0.01));
    goodput.accountFinished(1000);
    assertThat(metric(admin.get("/actuator/prometheus").body(), "productive"))
        .as("a job is counted once")
        .isCloseTo(16 * 340, within(0.01));
  }

  @Test
  void jobsThatNeverHeldChipsCountTheirWaitAsQueuedAndNoChipSeconds() {
    // One job still waiting since t0, one cancelled 40 s after t0 while it waited; both in the
    // aggregate as queued job-seconds (read without their timelines' attempt and progress queries).
    UUID waiting = UUID.randomUUID();
    UUID cancelled = UUID.randomUUID();
    insertQueued(waiting, at(0));
    insertQueued(cancelled, at(0));
    jdbc.sql("UPDATE jobs SET state = 'CANCELLED', updated_at = :at WHERE id = :id")
        .param("at", at(40))
        .param("id", cancelled)
        .update();
    String day = t0.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    Instant asked = Instant.now();

    JsonNode items =
        admin.get("/api/v1/goodput?team=" + team + "&from=" + day + "&to=" + day).json();

    assertThat(items.get("items")).hasSize(1);
    JsonNode row = items.at("/items/0");
    assertThat(row.at("/chipSeconds/allocated").asDouble()).isZero();
    // The waiting job counts until midnight UTC or now, whichever is first; the cancelled one 40 s.
    Instant dayEnd =
        t0.atOffset(ZoneOffset.UTC)
            .toLocalDate()
            .plusDays(1)
            .atStartOfDay()
            .toInstant(ZoneOffset.UTC);
    double upTo = (Math.min(asked.toEpochMilli(), dayEnd.toEpochMilli()) - t0.toEpochMilli()) / 1e3;
    assertThat(row.get("queuedSeconds").asDouble()).isBetween(upTo + 40 - 1, upTo + 40 + 60);

    // A wait across midnight UTC is split at midnight, as the ledger splits any time by day.
    UUID overnight = UUID.randomUUID();
    insertQueued(overnight, OffsetDateTime.parse("2024-04-30T23:00:00Z"));
    jdbc.sql("UPDATE jobs SET state = 'CANCELLED', updated_at = :at WHERE id = :id")
        .param("at", OffsetDateTime.parse("2024-05-01T01:30:00Z"))
        .param("id", overnight)
        .update();
    JsonNode days =
        admin
            .get("/api/v1/goodput?team=" + team + "&from=2024-04-30&to=2024-05-01&groupBy=day")
            .json()
            .get("items");
    assertThat(days).hasSize(2);
    assertThat(days.at("/0/day").asString()).isEqualTo("2024-04-30");
    assertThat(days.at("/0/queuedSeconds").asDouble()).isCloseTo(3600, within(0.01));
    assertThat(days.at("/1/day").asString()).isEqualTo("2024-05-01");
    assertThat(days.at("/1/queuedSeconds").asDouble()).isCloseTo(5400, within(0.01));
    JsonNode window =
        admin.get("/api/v1/goodput?team=" + team + "&from=2024-05-01&to=2024-05-01").json();
    assertThat(window.at("/items/0/queuedSeconds").asDouble())
        .as("only the part inside the window")
        .isCloseTo(5400, within(0.01));
  }

  @Test
  void anotherTeamSeesNeitherTheJobsLedgerNorItsSums() {
    script();
    String day = t0.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    Api outsider = admin.as(token("gx" + UUID.randomUUID().toString().substring(0, 8)));
    Api viewer = admin.as(token(team));

    outsider.get("/api/v1/jobs/" + job + "/goodput").problem(404, "not-found");
    JsonNode hidden =
        outsider.get("/api/v1/goodput?team=" + team + "&from=" + day + "&to=" + day).json();
    assertThat(hidden.get("items")).isEmpty();
    assertThat(viewer.get("/api/v1/jobs/" + job + "/goodput").status()).isEqualTo(200);
    assertThat(viewer.get("/api/v1/goodput?from=" + day + "&to=" + day).json().get("items"))
        .hasSize(1);
  }

  @Test
  void badParametersAreProblems() {
    admin.get("/api/v1/goodput?from=yesterday").problem(400, "invalid-parameter");
    admin.get("/api/v1/goodput?to=2024-02-30").problem(400, "invalid-parameter");
    JsonNode reversed =
        admin
            .get("/api/v1/goodput?from=2024-03-02&to=2024-03-01")
            .problem(400, "invalid-parameter");
    assertThat(reversed.at("/errors/0/field").asString()).isEqualTo("from");
    admin.get("/api/v1/goodput?groupBy=week").problem(400, "invalid-parameter");
    admin.get("/api/v1/goodput?from=2020-01-01&to=2024-01-01").problem(400, "invalid-parameter");
    admin.get("/api/v1/jobs/" + UUID.randomUUID() + "/goodput").problem(404, "not-found");
    assertThat(admin.get("/api/v1/goodput?groupBy=day").status()).isEqualTo(200);
  }

  // ---- the script ----

  private void script() {
    jdbc.sql(
            """
            INSERT INTO jobs (id, name, team, pool, priority, spec, state, reason, created_at,
                              updated_at, queued_at)
            VALUES (:id, 'scripted', :team, :pool, 0, CAST(:spec AS jsonb), 'QUEUED',
                    'submitted', :at, :at, :at)
            """)
        .param("id", job)
        .param("team", team)
        .param("pool", POOL)
        .param(
            "spec",
            "{\"name\":\"scripted\",\"team\":\""
                + team
                + "\",\"pool\":\""
                + POOL
                + "\",\"command\":[\"true\"],\"nodes\":2,\"chipsPerNode\":8}")
        .param("at", at(0))
        .update();
    admit(10, 1);
    progress(1, 1, 15, 50, 64, 100, 114);
    checkpoint(50);
    fail(116, "infrastructure failure: chip n1/3 FAULT");
    ready(120, 50);
    admit(130, 2);
    progress(2, 51, 140, 100, 189, 150, 239);
    checkpoint(150);
    fail(299, "HANG: no new step from ranks 0, 1 (last 150, 150) for PT1M");
    event(300, "HANG: restart 2 after no step for PT1M; resuming from step 150");
    ready(300, 150);
    admit(310, 3);
    progress(3, 151, 320, 200, 400, 230, 430);
    checkpoint(200);
    fail(431, "STRAGGLER: rank 1 on n2 1.5× slower; replacing pays");
    ready(435, 200);
    admit(440, 4);
    progress(4, 201, 445, 230, 474, 300, 544);
    update(550, "state = 'SUCCEEDED', reason = 'every rank exited 0'");
  }

  private void insertQueued(UUID id, OffsetDateTime at) {
    jdbc.sql(
            """
            INSERT INTO jobs (id, name, team, pool, priority, spec, state, reason, created_at,
                              updated_at, queued_at)
            VALUES (:id, 'waiting', :team, :pool, 0, CAST(:spec AS jsonb), 'QUEUED', 'submitted',
                    :at, :at, :at)
            """)
        .param("id", id)
        .param("team", team)
        // A pool no scheduler serves: the job must keep waiting whatever runs beside the test.
        .param("pool", "goodput-nowhere")
        .param(
            "spec",
            "{\"name\":\"waiting\",\"team\":\""
                + team
                + "\",\"pool\":\"goodput-nowhere\",\"command\":[\"true\"],\"nodes\":1,"
                + "\"chipsPerNode\":8}")
        .param("at", at)
        .update();
  }

  private void admit(double at, int attempt) {
    update(
        at,
        "state = 'ADMITTED', attempt = "
            + attempt
            + ", recovery_ready = false,"
            + " placement = '[{\"node\":\"n1\",\"chips\":[0,1,2,3,4,5,6,7]},"
            + "{\"node\":\"n2\",\"chips\":[0,1,2,3,4,5,6,7]}]'");
    update(at + 0.5, "state = 'STARTING'");
    update(at + 1, "state = 'RUNNING'");
  }

  private void fail(double at, String reason) {
    update(at, "state = 'RECOVERING', reason = '" + reason + "'");
  }

  private void ready(double at, long step) {
    update(
        at,
        "recovery_ready = true, placement = '[]', resume_from = '/data/checkpoints/"
            + job
            + "/step-"
            + step
            + "/model.bin'");
  }

  private void update(double at, String set) {
    jdbc.sql("UPDATE jobs SET " + set + ", version = version + 1, updated_at = :at WHERE id = :id")
        .param("at", at(at))
        .param("id", job)
        .update();
  }

  /** Progress of {@code attempt}, as (step, seconds) pairs, from ranks 0 and 1. */
  private void progress(int attempt, long... stepsAndTimes) {
    for (int i = 0; i < stepsAndTimes.length; i += 2) {
      for (int rank = 0; rank < 2; rank++) {
        jdbc.sql(
                """
                INSERT INTO job_progress (job_id, step, rank, attempt, node, at, data)
                VALUES (:job, :step, :rank, :attempt, :node, :at, '{}')
                """)
            .param("job", job)
            .param("step", stepsAndTimes[i])
            .param("rank", rank)
            .param("attempt", attempt)
            .param("node", rank == 0 ? "n1" : "n2")
            .param("at", at(stepsAndTimes[i + 1]))
            .update();
      }
    }
  }

  private void checkpoint(long step) {
    jdbc.sql(
            """
            INSERT INTO checkpoints (id, job_id, step, path, rank, reported_at, data)
            VALUES (:id, :job, :step, :path, 0, now(), '{}')
            """)
        .param("id", UUID.randomUUID())
        .param("job", job)
        .param("step", step)
        .param("path", "step-" + step + "/model.bin")
        .update();
  }

  private void event(double at, String reason) {
    jdbc.sql(
            """
            INSERT INTO events (type, subject, job_id, reason, actor, at)
            VALUES ('job.restart', :subject, :job, :reason, 'runner', :at)
            """)
        .param("subject", "job/" + job)
        .param("job", job)
        .param("reason", reason)
        .param("at", at(at))
        .update();
  }

  private OffsetDateTime at(double seconds) {
    return t0.plusMillis((long) (seconds * 1000)).atOffset(ZoneOffset.UTC);
  }

  // ---- reading ----

  private static double partsOf(JsonNode chips) {
    double sum = 0;
    for (String kind : List.of("productive", "redone", "recovery", "stalled")) {
      sum += chips.get(kind).asDouble();
    }
    return sum;
  }

  private double metric(String exposition, String kind) {
    Pattern line =
        Pattern.compile("^baton_goodput_chip_seconds_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(exposition);
    List<Double> values = new ArrayList<>();
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("team=\"" + team + "\"")
          && labels.contains("kind=\"" + kind + "\"")
          && labels.contains("pool=\"" + POOL + "\"")) {
        values.add(Double.parseDouble(m.group(2)));
      }
    }
    assertThat(values).as("series of %s for team %s", kind, team).hasSize(1);
    return values.get(0);
  }

  private String token(String tokenTeam) {
    return admin
        .post(
            "/api/v1/tokens",
            "{\"name\":\"viewer\",\"grants\":[{\"team\":\""
                + tokenTeam
                + "\",\"role\":\"viewer\"}]}")
        .json()
        .get("token")
        .asString();
  }
}
