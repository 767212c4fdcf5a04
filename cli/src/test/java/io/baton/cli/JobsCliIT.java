package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.cli.support.Baton;
import io.baton.cli.support.Orchestrator;
import io.baton.cli.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Jobs through {@code baton}, in-process and as the jar, against the real orchestrator. */
class JobsCliIT {

  static final Orchestrator orchestrator = Orchestrator.shared();

  @TempDir Path home;

  Baton admin() {
    return Baton.as(home, orchestrator.url(), orchestrator.adminToken());
  }

  @Test
  void submitWaitsForTheDemoJobAndARetriedSubmitGetsTheSameJob() {
    Path spec = Specs.write(home, "job.yaml", Specs.demoYaml("cli-wait", 120, 30));

    Baton.Result submitted = admin().runJar("submit", spec.toString(), "--wait", "-o", "json");

    assertThat(submitted.code()).as(submitted.all()).isEqualTo(0);
    JsonNode job = submitted.json();
    assertThat(job.path("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(job.at("/progress/totalSteps").asLong()).isEqualTo(120);
    String id = job.path("id").asString();
    assertThat(submitted.err()).contains("Submitted job " + id).contains("RUNNING -> SUCCEEDED");

    // The same file again (a retried CI step): the same job, no second one.
    Baton.Result again = admin().run("submit", spec.toString(), "-o", "json");
    assertThat(again.code()).isEqualTo(0);
    assertThat(again.json().path("id").asString()).isEqualTo(id);
    assertThat(again.err()).contains("already submitted");

    Baton.Result list =
        admin().run("jobs", "--state", "SUCCEEDED", "--team", "research", "-o", "table");
    assertThat(list.out()).startsWith("ID").contains(id).contains("cli-wait").contains("/120");
    Baton.Result yaml = admin().run("job", id, "-o", "yaml");
    assertThat(yaml.out()).contains("state: \"SUCCEEDED\"").contains("id: \"" + id + "\"");
    Baton.Result events = admin().run("events", id, "-o", "table");
    assertThat(events.out()).contains("QUEUED -> ADMITTED").contains("RUNNING -> SUCCEEDED");
    Baton.Result logs = admin().run("logs", id, "--rank", "0", "--tail", "5");
    assertThat(logs.code()).isEqualTo(0);
    assertThat(logs.out().lines()).hasSizeBetween(1, 5);
    Baton.Result follow = admin().run("logs", id, "--follow");
    assertThat(follow.code()).as("the job ended: its outcome").isEqualTo(0);
    assertThat(follow.out()).as("the whole log, so its tail too").endsWith(logs.out());
    Baton.Result why = admin().run("why", id);
    assertThat(why.json().path("why").asString()).contains("not waiting").contains("SUCCEEDED");
  }

  @Test
  void watchFollowsAJobThroughAChipFaultAndItsResume() throws Exception {
    Path spec = Specs.write(home, "job.json", Specs.demo("cli-fault", 400, 40));
    Baton.Result submitted = admin().run("submit", spec.toString(), "-o", "json");
    assertThat(submitted.code()).as(submitted.all()).isEqualTo(0);
    String id = submitted.json().path("id").asString();

    CompletableFuture<Baton.Result> watch =
        CompletableFuture.supplyAsync(() -> admin().run("watch", id, "--interval", "300ms"));
    JsonNode running =
        await("job past its first checkpoint")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> orchestrator.get("/api/v1/jobs/" + id),
                j ->
                    j.at("/latestCheckpoint/step").asLong(0) >= 50
                        && j.at("/progress/step").asLong(0) >= 70);
    String node = running.at("/placement/0/node").asString();
    try {
      orchestrator.post(
          "/api/v1/simulation/faults",
          "{\"node\":\"" + node + "\",\"chip\":3,\"health\":\"FAULT\",\"code\":\"0x80E18402\"}");
      Baton.Result watched = watch.get(120, TimeUnit.SECONDS);

      assertThat(watched.code()).as(watched.all()).isEqualTo(ExitCodes.OK);
      assertThat(watched.out())
          .contains("RUNNING -> RECOVERING")
          .containsPattern(
              "RESTART infrastructure failure: chip "
                  + node
                  + "/3 FAULT; restart 1; resuming from step \\d+")
          .containsPattern("\\d+ steps lost")
          .containsPattern(
              "RUNNING step \\d+/400 \\d+% \\| loss [\\d.]+ \\| [\\d.]+ samples/s \\| restarts 1, \\d+ steps lost")
          .contains("SUCCEEDED: every rank exited 0")
          .contains("restarts 0 application / 1 infrastructure");
      assertThat(watched.out())
          .containsPattern("step \\d+/400 \\d+% \\| loss \\d\\.\\d{4} \\| [\\d.]+ samples/s");
      assertThat(watched.out()).doesNotContain("\r").doesNotContain("\033");
      assertThat(watched.out().lines().filter(l -> l.contains("RUNNING step")).count())
          .as("piped: one line per change")
          .isGreaterThan(3);
    } finally {
      orchestrator.delete("/api/v1/simulation/faults");
    }
  }

  @Test
  void apiErrorsArePrintedAsTheirProblemDocuments() {
    Path spec =
        Specs.write(
            home,
            "big.json",
            "{\"name\":\"too-big\",\"team\":\"research\",\"pool\":\"ascend-910b\","
                + "\"command\":[\"true\"],\"nodes\":64,\"chipsPerNode\":8}");

    Baton.Result refused = admin().runJar("submit", spec.toString());

    assertThat(refused.code()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err())
        .contains("baton: Job spec cannot run on this fleet (422, job-spec-rejected)")
        .contains("  nodes: 64 nodes requested; pool 'ascend-910b' has 4")
        .contains("  - nodes: 64 nodes requested");

    Baton.Result missing = admin().run("job", "00000000-0000-0000-0000-000000000000");
    assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("(404, not-found)");

    Baton.Result cancelFinished =
        admin().run("cancel", "00000000-0000-0000-0000-000000000000", "-o", "table");
    assertThat(cancelFinished.code()).isEqualTo(ExitCodes.NOT_FOUND);

    Baton.Result badUsage = admin().run("jobs", "--no-such-option");
    assertThat(badUsage.code()).isEqualTo(ExitCodes.USAGE);

    Baton.Result unreachable = Baton.as(home, "http://127.0.0.1:1", "x").run("pools");
    assertThat(unreachable.code()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(unreachable.err()).contains("cannot connect to http://127.0.0.1:1");
  }

  @Test
  void loginSavesTheTokenMode600AndNoOutputEverShowsIt() throws Exception {
    String token = orchestrator.adminToken();
    Baton baton = new Baton(home);
    StringBuilder everything = new StringBuilder();

    Baton.Result login =
        baton.runWithInput(
            token + "\n",
            "login",
            "--url",
            orchestrator.url() + "/",
            "--token-stdin",
            "--context",
            "local");
    assertThat(login.code()).as(login.all()).isEqualTo(0);
    everything.append(login.all());
    Path config = home.resolve("baton/config.yaml");
    assertThat(Files.getPosixFilePermissions(config))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(config)).contains("current-context: \"local\"").contains(token);

    for (String[] args :
        new String[][] {
          {"pools", "-o", "table"},
          {"nodes", "--unhealthy", "-o", "yaml"},
          {"jobs", "--limit", "3"},
          {"context", "list", "-o", "json"},
          {"context", "list", "-o", "yaml"},
          {"job", "not-a-uuid"},
          {"tokens", "list", "-o", "table"},
          {"--help"},
          {"completion", "zsh"}
        }) {
      Baton.Result result = baton.run(args);
      assertThat(result.code()).as("%s: %s", String.join(" ", args), result.all()).isIn(0, 3);
      everything.append(result.all());
    }
    Baton.Result context = baton.run("context", "list", "-o", "json");
    assertThat(context.json().at("/items/0/url").asString()).isEqualTo(orchestrator.url());
    assertThat(context.json().at("/items/0/current").asBoolean()).isTrue();
    Baton.Result refused = Baton.as(home, orchestrator.url(), "bpat_wrong").run("pools");
    assertThat(refused.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
    everything.append(refused.all());
    Baton.Result badLogin =
        new Baton(home.resolve("other"))
            .runWithInput("bpat_wrong\n", "login", "--url", orchestrator.url(), "--token-stdin");
    assertThat(badLogin.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(home.resolve("other/baton/config.yaml")).doesNotExist();

    assertThat(everything.toString()).doesNotContain(token).doesNotContain("bpat_wrong");
  }

  @Test
  void tokensAreCreatedListedWithoutTheirSecretAndRevoked() throws Exception {
    Path secret = home.resolve("ci.token");
    Baton.Result created =
        admin()
            .run(
                "tokens",
                "create",
                "cli-ci",
                "--grant",
                "research:member",
                "--secret-file",
                secret.toString(),
                "-o",
                "json");
    assertThat(created.code()).as(created.all()).isEqualTo(0);
    String bpat = Files.readString(secret).trim();
    assertThat(bpat).startsWith("bpat_");
    assertThat(Files.getPosixFilePermissions(secret))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(created.all()).doesNotContain(bpat);
    String id = created.json().path("id").asString();

    Baton ci = Baton.as(home, orchestrator.url(), bpat);
    assertThat(ci.run("jobs", "--team", "research", "--limit", "1").code()).isEqualTo(0);
    Baton.Result list = admin().run("tokens", "list", "-o", "table");
    assertThat(list.out()).contains(id).contains("research:member").doesNotContain(bpat);

    assertThat(admin().run("tokens", "revoke", id).code()).isEqualTo(0);
    Baton.Result revoked = ci.run("pools");
    assertThat(revoked.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(revoked.err()).contains("(401, unauthorized)").doesNotContain(bpat);

    Baton.Result nodeTokens =
        admin().run("node-tokens", "create", "--pool", "ascend-910b", "cli-node-0", "-o", "json");
    assertThat(nodeTokens.code()).as(nodeTokens.all()).isEqualTo(0);
    JsonNode issued = nodeTokens.json().at("/items/0");
    assertThat(issued.path("token").asString()).startsWith("bnt_");
    assertThat(
            admin().run("node-tokens", "revoke", "cli-node-0", issued.path("id").asString()).code())
        .isEqualTo(0);
  }
}
