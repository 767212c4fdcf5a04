package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class TrainerTest {

  @TempDir Path dir;

  @Test
  void aSingleRankLearnsAndReportsVerifiableCheckpoints() {
    Runs.Result run = Runs.demo(Runs.soloEnv(dir), "train", "--steps", "300", "--step-millis", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<JsonNode> progress = Runs.lines(Runs.progressFile(dir, 0), "progress");
    assertThat(progress)
        .extracting(l -> l.get("step").asInt())
        .containsExactlyElementsOf(steps(300));
    assertThat(progress)
        .allSatisfy(
            l -> {
              assertThat(l.get("totalSteps").asInt()).isEqualTo(300);
              assertThat(l.get("samplesPerSec").asDouble()).isPositive();
              assertThat(l.get("metrics").get("lr").asDouble()).isPositive();
            });
    assertThat(meanLoss(progress.subList(280, 300)))
        .isLessThan(meanLoss(progress.subList(0, 20)) * 0.6);

    List<JsonNode> checkpoints = Runs.lines(Runs.progressFile(dir, 0), "checkpoint");
    assertThat(checkpoints).extracting(l -> l.get("step").asInt()).containsExactly(100, 200, 300);
    for (JsonNode line : checkpoints) {
      Path model = Runs.checkpoints(dir).resolve(line.get("path").asString());
      assertThat(line.get("format").asString()).isEqualTo("safetensors");
      assertThat(line.get("sha256").asString()).isEqualTo(Runs.sha256(model));
      assertThat(line.get("sizeBytes").asLong()).isEqualTo(model.toFile().length());
      assertThat(Runs.checkpoints(dir).resolve(line.get("golden").asString())).isRegularFile();
      assertThat(model.resolveSibling("state.json")).isRegularFile();
    }
    JsonNode last = checkpoints.get(2).get("metrics");
    assertThat(last.get("eval_accuracy").asDouble()).isGreaterThanOrEqualTo(0.85);
    assertThat(last.get("eval_loss").asDouble()).isLessThan(0.4);
    assertThat(Runs.checkpoints(dir)).isDirectoryNotContaining("glob:**/.step-*");
  }

  @Test
  void aResumedRunEndsBitIdenticalToAnUninterruptedOne() throws Exception {
    Path full = dir.resolve("full");
    Path resumed = dir.resolve("resumed");
    String[] train = {"train", "--steps", "300", "--step-millis", "0"};
    assertThat(Runs.demo(Runs.soloEnv(full), train).exitCode()).isZero();
    Path step100 = Files.createDirectories(Runs.checkpoints(resumed).resolve("step-100"));
    try (Stream<Path> files = Files.list(Runs.checkpoints(full).resolve("step-100"))) {
      for (Path file : files.toList()) {
        Files.copy(file, step100.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }

    Map<String, String> env = Runs.soloEnv(resumed);
    env.put("BATON_RESUME_FROM", step100.resolve("model.safetensors").toString());
    Runs.Result run = Runs.demo(env, train);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Runs.lines(Runs.progressFile(resumed, 0), "progress").get(0).get("step").asInt())
        .isEqualTo(101);
    for (String step : List.of("step-200", "step-300")) {
      for (String file : List.of("model.safetensors", "state.json", "golden.json")) {
        assertThat(Runs.checkpoints(resumed).resolve(step).resolve(file))
            .hasSameBinaryContentAs(Runs.checkpoints(full).resolve(step).resolve(file));
      }
    }
  }

  @Test
  void aRelativeResumePathIsTakenFromTheCheckpointDirectory() {
    assertThat(
            Runs.demo(
                    Runs.soloEnv(dir),
                    "train",
                    "--steps",
                    "20",
                    "--step-millis",
                    "0",
                    "--checkpoint-every",
                    "10")
                .exitCode())
        .isZero();
    Map<String, String> env = Runs.soloEnv(dir);
    env.put("BATON_RESUME_FROM", "step-10");

    Runs.Result run =
        Runs.demo(env, "train", "--steps", "20", "--step-millis", "0", "--checkpoint-every", "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("resuming from").contains("at step 10");
  }

  @Test
  void resumingFromACorruptCheckpointFailsWithOneLine() throws Exception {
    assertThat(
            Runs.demo(Runs.soloEnv(dir), "train", "--steps", "10", "--step-millis", "0").exitCode())
        .isZero();
    Path model = Runs.checkpoints(dir).resolve("step-10/model.safetensors");
    byte[] bytes = Files.readAllBytes(model);
    Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    Map<String, String> env = Runs.soloEnv(dir);
    env.put("BATON_RESUME_FROM", model.getParent().toString());

    Runs.Result run = Runs.demo(env, "train", "--steps", "20", "--step-millis", "0");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1).first().asString().contains("not a valid safetensors");
  }

  @Test
  void twoRanksInOneJvmHoldIdenticalParameters() {
    int port = Runs.freePort();
    String[] train = {"train", "--steps", "120", "--step-millis", "0", "--batch", "33"};
    CompletableFuture<Runs.Result> rank1 =
        CompletableFuture.supplyAsync(() -> Runs.demo(Runs.env(dir, "job-2", 1, 2, port), train));
    Runs.Result rank0 = Runs.demo(Runs.env(dir, "job-2", 0, 2, port), train);

    assertThat(rank0.exitCode()).as(rank0.err()).isZero();
    assertThat(rank1.join().exitCode()).isZero();
    assertThat(parameterSha(rank1.join().out())).isEqualTo(parameterSha(rank0.out()));
    assertThat(parameterSha(rank0.out()))
        .isEqualTo(Runs.sha256(Runs.checkpoints(dir).resolve("step-120/model.safetensors")));
    assertThat(Runs.lines(Runs.progressFile(dir, 1), "progress")).hasSize(120);
    assertThat(Runs.lines(Runs.progressFile(dir, 1), "checkpoint")).isEmpty();
    assertThat(rank0.out()).contains("rank 0/2: done at step 120, parameters sha256 ");
  }

  @Test
  void ranksStartedWithDifferentFlagsRefuseToTrain() {
    int port = Runs.freePort();
    CompletableFuture<Runs.Result> rank1 =
        CompletableFuture.supplyAsync(
            () -> Runs.demo(Runs.env(dir, "job-4", 1, 2, port), "train", "--seed", "7"));
    Runs.Result rank0 = Runs.demo(Runs.env(dir, "job-4", 0, 2, port), "train", "--seed", "8");

    assertThat(rank0.exitCode()).isEqualTo(3);
    assertThat(rank0.err()).contains("was started with other --steps/--batch/--lr/--seed");
    assertThat(rank1.join().exitCode()).isEqualTo(3);
    assertThat(rank1.join().err()).contains("rank 0 closed the connection before the first step");
  }

  @Test
  void rankZeroGivesUpOnASilentPeerWithinThePeerTimeout() throws Exception {
    int port = Runs.freePort();
    String[] train = {"train", "--steps", "50", "--step-millis", "0", "--peer-timeout", "1s"};
    long fingerprint =
        TrainConfig.from(
                Runs.env(dir, "job-3", 1, 2, port), List.of(train).subList(1, train.length))
            .fingerprint();
    CompletableFuture<Runs.Result> rank0 =
        CompletableFuture.supplyAsync(() -> Runs.demo(Runs.env(dir, "job-3", 0, 2, port), train));

    try (Socket socket = connect(port)) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(TcpCollective.MAGIC);
      out.writeInt(TcpCollective.VERSION);
      out.writeUTF("job-3");
      out.writeInt(1);
      out.writeInt(2);
      out.writeLong(fingerprint);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertThat(in.readInt()).as("broadcast frame").isZero();
      long silentSince = System.nanoTime();

      Runs.Result result = rank0.get(10, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(System.nanoTime() - silentSince))
          .isLessThan(Duration.ofSeconds(4));
      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.err()).contains("lost rank 1 at step 1: no message within 1000 ms");
    }
  }

  @Test
  void badFlagsAndEnvironmentAreUsageErrors() {
    assertThat(Runs.demo(Runs.soloEnv(dir), "train", "--stepz", "5").exitCode()).isEqualTo(2);
    assertThat(Runs.demo(Runs.soloEnv(dir), "train", "--steps", "x").exitCode()).isEqualTo(2);
    assertThat(Runs.demo(Runs.env(dir, "j", 2, 2, 1), "train").exitCode()).isEqualTo(2);
    assertThat(Runs.demo(Map.of(), "fly").exitCode()).isEqualTo(2);
    assertThat(Runs.demo(Map.of()).exitCode()).isEqualTo(2);
  }

  @Test
  void torchrunNamesAreTheFallback() {
    TrainConfig config =
        TrainConfig.from(
            Map.of(
                "RANK",
                "1",
                "WORLD_SIZE",
                "4",
                "MASTER_ADDR",
                "node-0",
                "MASTER_PORT",
                "1234",
                "BATON_RANK",
                ""),
            List.of());

    assertThat(config.rank()).isEqualTo(1);
    assertThat(config.worldSize()).isEqualTo(4);
    assertThat(config.masterAddr()).isEqualTo("node-0");
    assertThat(config.masterPort()).isEqualTo(1234);
    assertThat(config.resumeFrom()).isNull();
    assertThat(TrainConfig.from(Map.of(), List.of()).worldSize()).isEqualTo(1);
  }

  @Test
  void batchesArePureFunctionsOfSeedAndStep() {
    assertThat(Dataset.batch(42, 7, 64)).isEqualTo(Dataset.batch(42, 7, 64));
    assertThat(Dataset.batch(42, 7, 64)).isNotEqualTo(Dataset.batch(42, 8, 64));
    assertThat(Dataset.generate(42, 24).trainX()[99])
        .isEqualTo(Dataset.generate(42, 24).trainX()[99]);
  }

  private static Socket connect(int port) {
    return await("rank 0 listening")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsInstanceOf(java.io.IOException.class)
        .until(() -> new Socket("127.0.0.1", port), java.util.Objects::nonNull);
  }

  private static String parameterSha(String out) {
    return out.lines()
        .filter(l -> l.contains("parameters sha256 "))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .findFirst()
        .orElseThrow();
  }

  private static List<Integer> steps(int n) {
    return IntStream.rangeClosed(1, n).boxed().toList();
  }

  private static double meanLoss(List<JsonNode> lines) {
    return lines.stream().mapToDouble(l -> l.get("loss").asDouble()).average().orElseThrow();
  }
}
