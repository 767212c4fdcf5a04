package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.cli.support.Baton;
import io.baton.cli.support.Orchestrator;
import io.baton.cli.support.Specs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The hand-off through {@code baton}: checkpoints, promote --wait, its exit codes, endpoints. */
class PromoteCliIT {

  static final Orchestrator orchestrator = Orchestrator.shared();
  static String jobId;

  @TempDir static Path home;

  static Baton admin() {
    return Baton.as(home, orchestrator.url(), orchestrator.adminToken());
  }

  @BeforeAll
  static void aTrainedJob() {
    Path spec = Specs.write(home, "job.json", Specs.demo("cli-promote", 100, 20));
    Baton.Result trained = admin().run("submit", spec.toString(), "--wait", "-o", "json");
    assertThat(trained.code()).as(trained.all()).isEqualTo(0);
    jobId = trained.json().path("id").asString();
  }

  static JsonNode checkpoint(long step) {
    JsonNode items = admin().run("checkpoints", "--job", jobId, "-o", "json").json().path("items");
    for (JsonNode c : items) {
      if (c.path("step").asLong() == step) {
        return c;
      }
    }
    throw new AssertionError("no checkpoint at step " + step + " in " + items);
  }

  @Test
  void promoteWaitShowsEachGateAndExitsZeroWhenActive() {
    Baton.Result table = admin().run("checkpoints", "--job", jobId, "-o", "table");
    assertThat(table.out()).startsWith("ID").contains("safetensors").contains("eval_accuracy");
    String checkpoint = checkpoint(100).path("id").asString();

    Baton.Result promoted =
        admin().runJar("promote", checkpoint, "--endpoint", "cli-ok", "--wait", "-o", "table");

    assertThat(promoted.code()).as(promoted.all()).isEqualTo(ExitCodes.OK);
    assertThat(promoted.out())
        .containsSubsequence(
            "gate VERIFYING PASSED", "gate PARITY PASSED", "gate ROLLING_OUT PASSED", "ACTIVE")
        .contains("state:      ACTIVE");
    JsonNode endpoint = admin().run("endpoint", "cli-ok", "-o", "json").json();
    assertThat(endpoint.path("state").asString()).isEqualTo("ACTIVE");
    assertThat(endpoint.at("/currentRevision/checkpointId").asString()).isEqualTo(checkpoint);
    assertThat(admin().run("endpoints", "-o", "table").out()).contains("cli-ok").contains("2/2");
    assertThat(admin().run("revisions", "cli-ok", "-o", "table").out())
        .contains(checkpoint)
        .contains(".. now");

    // Nothing served before revision 1: the API's 409 as a readable problem, exit 3.
    Baton.Result rollback = admin().run("rollback", "cli-ok");
    assertThat(rollback.code()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(rollback.err()).contains("409, rollout-conflict");
  }

  @Test
  void aPromotionRejectedAtVerifyingExitsWithThatGatesCode() throws Exception {
    JsonNode victim = checkpoint(50);
    Path file = Path.of(URI.create(victim.path("uri").asString()));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x5a;
    Files.write(file, bytes);

    Baton.Result rejected =
        admin()
            .run(
                "promote",
                victim.path("id").asString(),
                "--endpoint",
                "cli-rejected",
                "--wait",
                "-o",
                "json");

    assertThat(rejected.code())
        .as(rejected.all())
        .isEqualTo(ExitCodes.REJECTED_VERIFYING)
        .isEqualTo(20);
    assertThat(rejected.err()).contains("gate VERIFYING FAILED").contains("REJECTED");
    JsonNode promotion = rejected.json();
    assertThat(promotion.path("state").asString()).isEqualTo("REJECTED");
    assertThat(promotion.path("reason").asString()).contains("sha256");
  }

  @Test
  void aPromotionAMaintainerRejectsExitsWith24() throws Exception {
    String checkpoint = checkpoint(100).path("id").asString();
    CompletableFuture<Baton.Result> waiting =
        CompletableFuture.supplyAsync(
            () ->
                admin()
                    .run(
                        "promote",
                        checkpoint,
                        "--endpoint",
                        "cli-approval",
                        "--require-approval",
                        "--wait",
                        "--interval",
                        "300ms",
                        "-o",
                        "table"));
    JsonNode awaiting =
        await("promotion awaiting approval")
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> orchestrator.get("/api/v1/promotions?endpoint=cli-approval").path("items"),
                items ->
                    items.size() == 1
                        && items.get(0).path("state").asString().equals("AWAITING_APPROVAL"))
            .get(0);
    String id = awaiting.path("id").asString();

    Baton.Result rejected = admin().run("reject", id, "--comment", "not this one", "-o", "json");
    assertThat(rejected.code()).as(rejected.all()).isEqualTo(0);
    assertThat(rejected.json().path("state").asString()).isEqualTo("REJECTED");

    Baton.Result waited = waiting.get(60, TimeUnit.SECONDS);
    assertThat(waited.code()).as(waited.all()).isEqualTo(ExitCodes.REJECTED_APPROVAL).isEqualTo(24);
    // The "awaiting approval: baton approve <id>" hint appears only when a poll of the CLI saw
    // the state before the reject landed, which this test does not wait for; the gate's verdict
    // is always seen.
    assertThat(waited.out()).contains("gate AWAITING_APPROVAL FAILED");
    Baton.Result again = admin().run("approve", id);
    assertThat(again.code()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(again.err())
        .contains("409, promotion-not-awaiting-approval")
        .contains("state: REJECTED");
  }
}
