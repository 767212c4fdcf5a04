package io.baton.orchestrator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.persistence.EmbeddedDatabase;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two orchestrator processes on one PostgreSQL take a job through its whole life — launch, a chip
 * fault and its recovery, a SIGKILL of the replica that owns the loops, the other taking over
 * within the failover bound, success, and the promotion of its checkpoint — and nothing is launched
 * twice: every attempt was launched once, by one replica.
 *
 * <p>Both run the local backend in its test-only shared mode ({@code
 * baton.cluster.local.single-instance=false}): each simulates the same nodes, but only the lease's
 * holder runs its simulation and its loops. The ranks the killed replica started keep running as
 * orphans no one follows (the next leader recovers the job onto new ranks); the test stops them.
 */
class TwoOrchestratorsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();

  @TempDir Path tmp;

  @Test
  void aJobWithAFaultAndAPromotionFinishesOnceAcrossTheOwnersDeath() throws Exception {
    String token = "baton_admin_" + UUID.randomUUID().toString().replace("-", "");
    try (EmbeddedDatabase database =
        EmbeddedDatabase.start(tmp.resolve("db"), 0, Duration.ofSeconds(60))) {
      String[] args = {
        "--spring.datasource.url=" + database.jdbcUrl(),
        "--spring.datasource.username=postgres",
        "--baton.cluster.local.single-instance=false",
        "--baton.security.admin-token=" + token,
        "--baton.cluster.local.agent-interval=500ms",
        "--baton.promotion.reconcile-interval=200ms",
        "--baton.endpoints.reconcile-interval=200ms",
        "--baton.endpoints.server-command=java,-Xmx64m,-XX:TieredStopAtLevel=1,-jar,"
            + DEMO
            + ",serve,--checkpoint,$(BATON_MODEL),--port,$(PORT)"
      };
      Path dirA = tmp.resolve("a");
      Path dirB = tmp.resolve("b");
      try (OrchestratorProcess a = OrchestratorProcess.start(dirA, "a", args);
          OrchestratorProcess b = OrchestratorProcess.start(dirB, "b", args)) {
        a.awaitHealthy(START);
        b.awaitHealthy(START);
        Api apiA = new Api(port(a), token);
        Api apiB = new Api(port(b), token);
        assertThat(leads(apiA) ^ leads(apiB)).as("exactly one leads").isTrue();
        boolean aLeads = leads(apiA);
        OrchestratorProcess owner = aLeads ? a : b;
        OrchestratorProcess other = aLeads ? b : a;
        Api ownerApi = aLeads ? apiA : apiB;
        Api otherApi = aLeads ? apiB : apiA;

        // Submitted to the replica that does not lead: any replica takes requests.
        String jobId = otherApi.submitJob(trainingSpec());
        JsonNode first = await(ownerApi, "/api/v1/jobs/" + jobId, running(1), owner);

        ownerApi.injectChipFault(first.at("/placement/0/node").asString(), 0);
        await(ownerApi, "/api/v1/jobs/" + jobId, running(2), owner);

        owner.kill();
        Instant killed = Instant.now();
        awaitLeader(otherApi, other);
        Duration failover = Duration.between(killed, Instant.now());
        assertThat(failover).as("failover").isLessThanOrEqualTo(FAILOVER_BOUND);

        JsonNode done =
            await(
                otherApi,
                "/api/v1/jobs/" + jobId,
                j -> List.of("SUCCEEDED", "FAILED").contains(j.get("state").asString()),
                other);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        int attempts = done.get("attempt").asInt();
        assertThat(attempts)
            .as("fault and failover each cost one attempt")
            .isGreaterThanOrEqualTo(3);

        JsonNode promoted =
            await(
                otherApi,
                "/api/v1/promotions?jobId=" + jobId,
                p ->
                    !p.get("items").isEmpty()
                        && List.of("ACTIVE", "REJECTED", "ROLLED_BACK")
                            .contains(p.at("/items/0/state").asString()),
                other);
        assertThat(promoted.get("items")).hasSize(1);
        assertThat(promoted.at("/items/0/state").asString())
            .as(promoted.toString())
            .isEqualTo("ACTIVE");
        assertThat(otherApi.get("/api/v1/endpoints/failover/revisions").json().get("items"))
            .hasSize(1);

        Set<Integer> byA = attemptsLaunched(dirA, jobId);
        Set<Integer> byB = attemptsLaunched(dirB, jobId);
        assertThat(byA).as("attempts launched by both replicas").doesNotContainAnyElementsOf(byB);
        Set<Integer> all = new HashSet<>(byA);
        all.addAll(byB);
        try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), "postgres", "")) {
          assertThat(count(sql, jobId, "STARTING"))
              .as("launches recorded: one per attempt")
              .isEqualTo(attempts);
          assertThat(count(sql, jobId, "SUCCEEDED")).isEqualTo(1);
          assertThat(all).as("every attempt launched, once").hasSize(attempts);
          assertThat(holder(sql)).isEqualTo(replica(otherApi));
        }
      } finally {
        stopOrphans(dirA);
        stopOrphans(dirB);
      }
    }
  }

  private static String trainingSpec() {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "failover");
    spec.put("team", "research");
    spec.put("pool", "ascend-910b");
    ArrayNode command = spec.putArray("command");
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            DEMO.toString(),
            "train",
            "--steps",
            "120",
            "--checkpoint-every",
            "40",
            "--step-millis",
            "50")) {
      command.add(arg);
    }
    spec.put("nodes", 1);
    spec.put("chipsPerNode", 8);
    spec.putObject("promotion").put("endpoint", "failover").put("replicas", 1);
    return spec.toString();
  }

  private static Predicate<JsonNode> running(int attempt) {
    return j -> j.get("attempt").asInt() >= attempt && "RUNNING".equals(j.get("state").asString());
  }

  private static int port(OrchestratorProcess process) {
    return java.net.URI.create(process.api().base()).getPort();
  }

  private static JsonNode health(Api api) {
    return api.get("/actuator/health").json().at("/components/leadership/details");
  }

  private static boolean leads(Api api) {
    return health(api).get("leader").asBoolean();
  }

  private static String replica(Api api) {
    return health(api).get("replica").asString();
  }

  private static void awaitLeader(Api api, OrchestratorProcess process) throws Exception {
    Eventually.value(
        () -> leads(api),
        Boolean::booleanValue,
        FAILOVER_BOUND.plusSeconds(10),
        Duration.ofMillis(100),
        no -> "no takeover; log:\n" + process.log());
  }

  private static JsonNode await(
      Api api, String path, Predicate<JsonNode> condition, OrchestratorProcess process)
      throws InterruptedException {
    return Eventually.value(
        () -> {
          Api.Response response = api.get(path);
          return response.status() == 200 ? response.json() : null;
        },
        last -> last != null && condition.test(last),
        Duration.ofSeconds(90),
        Duration.ofMillis(100),
        last -> path + " never got there; last: " + last + "\n" + process.log());
  }

  /** The attempts of the job a replica launched ranks for: its work directory's entries. */
  private static Set<Integer> attemptsLaunched(Path dataDir, String jobId) throws IOException {
    Path job = dataDir.resolve("work").resolve(jobId);
    Set<Integer> attempts = new HashSet<>();
    if (Files.isDirectory(job)) {
      try (Stream<Path> entries = Files.list(job)) {
        entries
            .map(p -> p.getFileName().toString())
            .filter(n -> n.matches("\\d+"))
            .forEach(n -> attempts.add(Integer.parseInt(n)));
      }
    }
    return attempts;
  }

  private static int count(Connection sql, String jobId, String to) throws SQLException {
    try (PreparedStatement statement =
        sql.prepareStatement(
            "SELECT count(*) FROM events WHERE job_id = ?::uuid AND type = 'job.state'"
                + " AND to_state = ?")) {
      statement.setString(1, jobId);
      statement.setString(2, to);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static String holder(Connection sql) throws SQLException {
    try (PreparedStatement statement =
            sql.prepareStatement("SELECT holder FROM leases WHERE name = 'baton-orchestrator'");
        ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The ranks and replicas a killed replica left running: from their pid files. */
  private static void stopOrphans(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    List<Path> pids = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.filter(f -> f.getFileName().toString().equals("pid")).forEach(pids::add);
    }
    for (Path pid : pids) {
      try {
        long value = Long.parseLong(Files.readString(pid).trim().split(" ")[0]);
        ProcessHandle.of(value).ifPresent(ProcessHandle::destroyForcibly);
      } catch (IOException | NumberFormatException unreadable) {
        // nothing to stop
      }
    }
  }
}
