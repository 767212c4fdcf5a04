package io.baton.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolRole;
import io.baton.orchestrator.problems.FieldViolation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecChecksTest {

  static final Pool ASCEND =
      new Pool(
          "ascend", PoolRole.TRAINING, "ascend-910b", 4, 8, Map.of(), "huawei.com/Ascend910", "t");
  static final Pool NVIDIA =
      new Pool("nvidia", PoolRole.INFERENCE, "nvidia-h100", 2, 8, Map.of(), "nvidia.com/gpu", "t");
  static final List<Pool> POOLS = List.of(ASCEND, NVIDIA);

  static JobSpec spec(String pool, int nodes, int chips, Map<String, String> env) {
    return new JobSpec(
        "j", "t", pool, null, List.of("x"), env, null, nodes, chips, null, null, null, null);
  }

  @Test
  void aSpecThatFitsHasNoViolations() {
    assertThat(JobSpecChecks.check(spec("ascend", 4, 8, Map.of("LR", "0.1")), POOLS)).isEmpty();
  }

  @Test
  void unknownPoolNamesThePoolAndListsTrainingPools() {
    assertThat(JobSpecChecks.check(spec("tpu", 1, 1, Map.of()), POOLS))
        .containsExactly(
            new FieldViolation("pool", "unknown pool 'tpu'; training pools: [ascend]"));
  }

  @Test
  void inferencePoolIsRefusedForTraining() {
    assertThat(JobSpecChecks.check(spec("nvidia", 1, 1, Map.of()), POOLS))
        .extracting(FieldViolation::field)
        .containsExactly("pool");
  }

  @Test
  void moreChipsOrNodesThanThePoolHasAreNamed() {
    assertThat(JobSpecChecks.check(spec("ascend", 5, 9, Map.of()), POOLS))
        .extracting(FieldViolation::field)
        .containsExactly("chipsPerNode", "nodes");
  }

  @Test
  void launchContractNamesCannotBeOverridden() {
    var env =
        Map.of("BATON_RANK", "3", "MASTER_ADDR", "x", "ASCEND_RT_VISIBLE_DEVICES", "0", "OK", "1");

    assertThat(JobSpecChecks.check(spec("ascend", 1, 1, env), POOLS))
        .extracting(FieldViolation::field)
        .containsExactly("env.ASCEND_RT_VISIBLE_DEVICES", "env.BATON_RANK", "env.MASTER_ADDR");
  }
}
