package io.baton.orchestrator.cluster;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** A job whose checkpoint directory leads out of its own is failed, not launched. */
class CheckpointDirRefusedIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JobLifecycle lifecycle;
  @Autowired JobService jobs;
  @Autowired JobRunner runner;

  @Test
  void aCheckpointDirectoryLinkedOutOfTheJobsOwnFailsTheJobBeforeAnyRankStarts() throws Exception {
    Api api = new Api(port, adminToken());
    Path outside = Files.createTempDirectory("baton-outside-");
    JsonNode created =
        api.post("/api/v1/jobs", aSpec().with("checkpoint", Map.of("dir", "out")).json()).json();
    UUID id = UUID.fromString(created.get("id").asString());
    Path own = dataDir().resolve("checkpoints").resolve(id.toString());
    Files.createDirectories(own);
    Files.createSymbolicLink(own.resolve("out"), outside);
    lifecycle.admit(
        id,
        jobs.get(id).version(),
        List.of(new Job.Placement("ascend-910b-0", List.of(0, 1, 2, 3, 4, 5, 6, 7))),
        "test");

    runner.reconcile(jobs.get(id));

    JsonNode job = api.get("/api/v1/jobs/" + id).json();
    assertThat(job.get("state").asString()).isEqualTo("FAILED");
    assertThat(job.get("reason").asString())
        .contains("checkpoint directory")
        .contains("symbolic link");
    assertThat(dataDir().resolve("work").resolve(id.toString())).doesNotExist();
    assertThat(outside).isEmptyDirectory();
  }
}
