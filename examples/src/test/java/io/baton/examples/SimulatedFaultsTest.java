package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

class SimulatedFaultsTest {

  @TempDir Path dir;

  @Test
  void onlyTheRanksOwnChipsCountAndTheSlowestFactorWins() {
    List<String> lines =
        List.of(
            "# simulated soft faults",
            "3 SLOW 1.5",
            "4 SLOW 2.5",
            "5 SLOW 9",
            "6 HANG",
            "",
            "4 LINK_DOWN");

    assertThat(SimulatedFaults.parse(lines, Set.of(3, 4)))
        .isEqualTo(new SimulatedFaults.Condition(List.of(), 2.5));
    assertThat(SimulatedFaults.parse(lines, Set.of(0, 1)))
        .isEqualTo(SimulatedFaults.Condition.HEALTHY);
    assertThat(SimulatedFaults.parse(lines, Set.of(3, 6)).hungChips()).containsExactly(6);
  }

  @Test
  void linesItDoesNotUnderstandAreIgnored() {
    List<String> lines = List.of("x HANG", "3", "3 SLOW", "3 SLOW fast", "3 SLOW NaN", "3 BURN");

    assertThat(SimulatedFaults.parse(lines, Set.of(3)))
        .isEqualTo(SimulatedFaults.Condition.HEALTHY);
    assertThat(new SimulatedFaults(dir.resolve("missing"), Set.of(3)).current())
        .isEqualTo(SimulatedFaults.Condition.HEALTHY);
  }

  @Test
  void everyStepReportsItsWallTimeAndTheComputeBeforeTheExchange() {
    Runs.Result run = Runs.demo(Runs.soloEnv(dir), "train", "--steps", "30", "--step-millis", "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Runs.lines(Runs.progressFile(dir, 0), "progress"))
        .hasSize(30)
        .allSatisfy(
            l -> {
              assertThat(l.get("computeMs").asDouble()).isGreaterThanOrEqualTo(2);
              assertThat(l.get("stepMs").asDouble())
                  .isGreaterThanOrEqualTo(l.get("computeMs").asDouble());
            });
  }

  @Test
  void aSlowChipStretchesItsRanksComputeAndTheOtherRankWaitsForIt() throws Exception {
    Path faults = Files.writeString(dir.resolve("sim-faults"), "5 SLOW 5\n");
    int port = Runs.freePort();
    String[] train = {"train", "--steps", "40", "--step-millis", "10"};
    Map<String, String> slow = Runs.env(dir, "job-s", 1, 2, port);
    slow.put("BATON_SIM_FAULTS", faults.toString());
    slow.put("ASCEND_RT_VISIBLE_DEVICES", "4,5");
    Map<String, String> healthy = Runs.env(dir, "job-s", 0, 2, port);
    healthy.put("BATON_SIM_FAULTS", faults.toString());
    healthy.put("ASCEND_RT_VISIBLE_DEVICES", "0,1");

    CompletableFuture<Runs.Result> rank1 =
        CompletableFuture.supplyAsync(() -> Runs.demo(slow, train));
    Runs.Result rank0 = Runs.demo(healthy, train);

    assertThat(rank0.exitCode()).as(rank0.err()).isZero();
    assertThat(rank1.get(60, TimeUnit.SECONDS).exitCode()).isZero();
    double slowCompute = median(Runs.progressFile(dir, 1), "computeMs");
    double healthyCompute = median(Runs.progressFile(dir, 0), "computeMs");
    assertThat(slowCompute).isGreaterThanOrEqualTo(50).isGreaterThan(2.5 * healthyCompute);
    assertThat(median(Runs.progressFile(dir, 0), "stepMs"))
        .as("synchronous: the healthy rank's steps take as long as the slow one's")
        .isGreaterThan(0.9 * slowCompute);
  }

  @Test
  void aHungChipStopsTheRanksStepsWithoutEndingItUntilTheFaultIsCleared() throws Exception {
    Path faults = dir.resolve("sim-faults");
    Map<String, String> env = Runs.soloEnv(dir);
    env.put("BATON_SIM_FAULTS", faults.toString());
    env.put("ASCEND_RT_VISIBLE_DEVICES", "2,3");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                Demo.run(
                    env,
                    List.of("train", "--steps", "400", "--step-millis", "2"),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(java.io.OutputStream.nullOutputStream())));
    Path progress = Runs.progressFile(dir, 0);
    ChildProcess.await(Duration.ofSeconds(20), "a few steps", () -> steps(progress).size() >= 5);

    Files.writeString(faults, "3 HANG\n");
    ChildProcess.await(
        Duration.ofSeconds(20), "the rank to hang", () -> text(out).contains("hangs (simulated)"));
    String hung = text(out).lines().filter(l -> l.contains("hangs")).findFirst().orElseThrow();
    long hungAt = Long.parseLong(hung.replaceAll(".*no step (\\d+) until.*", "$1"));

    assertThat(hung).startsWith("rank 0: chip [3] hangs (simulated)");
    assertThat(run).isNotDone();
    assertThat(steps(progress)).last().isEqualTo(hungAt - 1);

    Files.delete(faults);
    assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(text(out)).contains("rank 0: the hang is cleared; step " + hungAt + " goes on");
    assertThat(steps(progress))
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 400).mapToObj(i -> (long) i).toList());
  }

  private static double median(Path file, String field) {
    List<Double> values =
        new ArrayList<>(
            Runs.lines(file, "progress").stream().map(l -> l.get(field).asDouble()).toList());
    values.sort(null);
    return values.get(values.size() / 2);
  }

  /** Steps of the complete progress lines written so far (the last one may be half written). */
  private static List<Long> steps(Path file) {
    List<Long> steps = new ArrayList<>();
    try {
      if (!Files.isRegularFile(file)) {
        return steps;
      }
      for (String line : Files.readAllLines(file)) {
        try {
          JsonNode node = Json.MAPPER.readTree(line);
          if ("progress".equals(node.path("type").asString(""))) {
            steps.add(node.get("step").asLong());
          }
        } catch (JacksonException halfWritten) {
          // the line being written
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return steps;
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8);
  }
}
