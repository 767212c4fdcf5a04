package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LaunchContractTest {

  static final UUID JOB = UUID.fromString("0b6f3c1e-8f7e-4a53-9d2a-4c0f1c9a7e11");

  @Test
  void everyRankGetsTheContractAndTheTorchrunNames() {
    Map<String, String> env =
        LaunchContract.env(
            JOB,
            2,
            1,
            2,
            "10.0.0.5",
            29500,
            "/p/rank-1.jsonl",
            "/ckpt",
            "/ckpt/step-100/model.safetensors",
            List.of(7, 0, 3),
            "ASCEND_RT_VISIBLE_DEVICES",
            Map.of("LR", "0.1"));

    assertThat(env)
        .containsEntry("BATON_JOB_ID", JOB.toString())
        .containsEntry("BATON_RANK", "1")
        .containsEntry("BATON_WORLD_SIZE", "2")
        .containsEntry("BATON_MASTER_ADDR", "10.0.0.5")
        .containsEntry("BATON_MASTER_PORT", "29500")
        .containsEntry("BATON_PROGRESS_FILE", "/p/rank-1.jsonl")
        .containsEntry("BATON_CHECKPOINT_DIR", "/ckpt")
        .containsEntry("BATON_RESUME_FROM", "/ckpt/step-100/model.safetensors")
        .containsEntry("RANK", "1")
        .containsEntry("WORLD_SIZE", "2")
        .containsEntry("LOCAL_RANK", "0")
        .containsEntry("MASTER_ADDR", "10.0.0.5")
        .containsEntry("MASTER_PORT", "29500")
        .containsEntry("ASCEND_RT_VISIBLE_DEVICES", "0,3,7")
        .containsEntry("LR", "0.1");
  }

  @Test
  void aFirstStartResumesFromNothing() {
    Map<String, String> env =
        LaunchContract.env(
            JOB,
            1,
            0,
            1,
            "127.0.0.1",
            1,
            "p",
            "c",
            null,
            List.of(0),
            "CUDA_VISIBLE_DEVICES",
            Map.of());

    assertThat(env)
        .containsEntry("BATON_RESUME_FROM", "")
        .containsEntry("CUDA_VISIBLE_DEVICES", "0");
  }

  @Test
  void commandsExpandVariablesLikeKubernetes() {
    List<String> expanded =
        LaunchContract.expand(
            List.of("java", "-jar", "$(ROOT)/demo.jar", "--rank=$(RANK)", "$(UNKNOWN)", "$$ok"),
            Map.of("ROOT", "/opt/baton", "RANK", "3"));

    assertThat(expanded)
        .containsExactly("java", "-jar", "/opt/baton/demo.jar", "--rank=3", "$(UNKNOWN)", "$$ok");
  }
}
