package io.baton.orchestrator.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.IntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ledger of a job that really ran: the demo trainer's ranks as processes on the local backend,
 * a chip fault injected mid-run, the job resumed from its checkpoint and finished. Its parts add up
 * to the chip-seconds it held, measured independently from its events, and the accountant counts it
 * once into the metric.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=500ms",
      "baton.nodes.timeout=3s",
      "baton.scheduler.tick-interval=500ms",
      "baton.goodput.account-interval=1s"
    })
class GoodputRunIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path DATA_DIR = tempDir();
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();
  private static final String POOL = "ascend-910b";

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
  }

  @LocalServerPort int port;
  Api api;
  final String team = "gr" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void client() {
    api = new Api(port, IntegrationTest.adminToken(DATA_DIR));
    assertThat(DEMO).as("the demo model is built before the orchestrator's tests").exists();
  }

  @AfterEach
  void clearFaults() {
    api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/simulation/faults")).DELETE());
  }

  @Test
  void aFaultCausedRestartIsAccountedAndThePartsAddUpToTheChipsHeld() throws Exception {
    String id = submit(spec(300, 40, 50));
    JsonNode running =
        await(
            id,
            j ->
                j.at("/latestCheckpoint/step").asLong(0) >= 50
                    && j.at("/progress/step").asLong(0) >= 70,
            Duration.ofSeconds(60));
    inject(running.at("/placement/0/node").asString(), 3);
    JsonNode done = await(id, GoodputRunIT::terminal, Duration.ofSeconds(90));
    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("attempt").asInt()).isEqualTo(2);

    JsonNode ledger = api.get("/api/v1/jobs/" + id + "/goodput").json();
    JsonNode chips = ledger.get("chipSeconds");
    double allocated = chips.get("allocated").asDouble();
    double held = chipSecondsHeldPerEvents(id);

    assertThat(allocated)
        .as("allocated vs. the events' admissions and releases")
        .isCloseTo(held, within(held * 0.01));
    assertThat(partsOf(chips))
        .as("the parts add up")
        .isCloseTo(allocated, within(allocated * 0.01));
    assertThat(chips.get("productive").asDouble()).isPositive();
    assertThat(chips.get("redone").asDouble())
        .as("steps since the checkpoint were redone")
        .isPositive();
    assertThat(chips.get("recovery").asDouble()).isPositive();
    assertThat(chips.get("stalled").asDouble()).isZero();
    assertThat(ledger.get("queuedSeconds").asDouble()).isNotNegative();
    assertThat(ledger.at("/attempts/1/resumedFromStep").asLong()).isGreaterThanOrEqualTo(50);
    assertThat(ledger.at("/attempts/0/reachedStep").asLong())
        .isGreaterThan(ledger.at("/attempts/1/resumedFromStep").asLong());

    String today = LocalDate.now(ZoneOffset.UTC).toString();
    String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    JsonNode items =
        api.get("/api/v1/goodput?team=" + team + "&from=" + yesterday + "&to=" + today)
            .json()
            .get("items");
    assertThat(items).hasSize(1);
    assertThat(items.at("/0/chipSeconds/allocated").asDouble()).isCloseTo(allocated, within(0.01));

    double counted = awaitCounted(Duration.ofSeconds(30));
    assertThat(counted)
        .as("the metric, once the accountant ran")
        .isCloseTo(allocated, within(0.01));
  }

  /** Σ chips × (release − admission) over the attempts, from the job's events. */
  private double chipSecondsHeldPerEvents(String id) {
    List<JsonNode> events = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/events?limit=500").json().get("items").forEach(events::add);
    double total = 0;
    Instant admitted = null;
    int chips = 0;
    for (JsonNode e : events) {
      Instant at = Instant.parse(e.get("time").asString());
      String type = e.get("type").asString();
      String to = e.path("to").asString("");
      if (type.equals("job.state") && to.equals("ADMITTED")) {
        admitted = at;
        chips = chipsPlaced(e.get("reason").asString());
      } else if (admitted != null
          && (type.equals("job.restart")
              || List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(to))) {
        total += chips * Duration.between(admitted, at).toNanos() / 1e9;
        admitted = null;
      }
    }
    assertThat(total).isPositive();
    return total;
  }

  /** "placed on n1 [0, 1, …], n2 [...]": the chips named. */
  private static int chipsPlaced(String reason) {
    Matcher lists = Pattern.compile("\\[([^\\]]*)]").matcher(reason);
    int chips = 0;
    while (lists.find()) {
      chips += lists.group(1).split(",").length;
    }
    return chips;
  }

  private double awaitCounted(Duration timeout) {
    Pattern series =
        Pattern.compile("^baton_goodput_chip_seconds_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    return Eventually.value(
        () -> {
          Matcher m = series.matcher(api.get("/actuator/prometheus").body());
          double sum = 0;
          boolean found = false;
          while (m.find()) {
            if (m.group(1).contains("team=\"" + team + "\"")
                && m.group(1).contains("pool=\"" + POOL + "\"")) {
              sum += Double.parseDouble(m.group(2));
              found = true;
            }
          }
          return found ? sum : null;
        },
        java.util.Objects::nonNull,
        timeout,
        Duration.ofMillis(200),
        none -> "the job was not accounted in " + timeout);
  }

  private static double partsOf(JsonNode chips) {
    double sum = 0;
    for (String kind : List.of("productive", "redone", "recovery", "stalled")) {
      sum += chips.get(kind).asDouble();
    }
    return sum;
  }

  // ---- as in RunAndRecoverIT ----

  private ObjectNode spec(int steps, int stepMillis, int checkpointEvery) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "ledger-me");
    spec.put("team", team);
    spec.put("pool", POOL);
    ArrayNode command = JSON.createArrayNode();
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            DEMO.toString(),
            "train",
            "--steps",
            Integer.toString(steps),
            "--step-millis",
            Integer.toString(stepMillis),
            "--checkpoint-every",
            Integer.toString(checkpointEvery),
            "--peer-timeout",
            "5s")) {
      command.add(arg);
    }
    spec.set("command", command);
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 8);
    spec.put("maxRestarts", 2);
    return spec;
  }

  private String submit(JsonNode spec) {
    return api.submitJob(spec.toString());
  }

  private void inject(String node, int chip) {
    api.injectChipFault(node, chip);
  }

  private JsonNode await(String id, Predicate<JsonNode> condition, Duration timeout)
      throws InterruptedException {
    return Eventually.value(
        () -> api.get("/api/v1/jobs/" + id).json(),
        condition,
        timeout,
        Duration.ofMillis(200),
        job -> "job " + id + " did not get there in " + timeout + "; last: " + job);
  }

  private static boolean terminal(JsonNode job) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-goodput-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
