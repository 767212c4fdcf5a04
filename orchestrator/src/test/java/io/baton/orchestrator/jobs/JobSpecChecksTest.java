package io.baton.orchestrator.jobs;

import static io.baton.orchestrator.faults.StragglerPolicy.AVOID;
import static io.baton.orchestrator.faults.StragglerPolicy.OBSERVE;
import static io.baton.orchestrator.faults.StragglerPolicy.REPLACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.baton.orchestrator.faults.StragglerPolicy;
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
    return spec(pool, nodes, chips, env, null, null);
  }

  static JobSpec spec(
      String pool,
      int nodes,
      int chips,
      Map<String, String> env,
      List<String> secretEnv,
      JobSpec.CheckpointSpec checkpoint) {
    return spec(pool, nodes, chips, env, secretEnv, checkpoint, null);
  }

  static JobSpec spec(
      String pool,
      int nodes,
      int chips,
      Map<String, String> env,
      List<String> secretEnv,
      JobSpec.CheckpointSpec checkpoint,
      String stragglerPolicy) {
    return new JobSpec(
        "j",
        "t",
        pool,
        null,
        List.of("x"),
        env,
        secretEnv,
        null,
        nodes,
        chips,
        null,
        null,
        checkpoint,
        null,
        null,
        stragglerPolicy);
  }

  static JobSpec withCheckpointDir(String dir) {
    return spec("ascend", 1, 1, Map.of(), null, new JobSpec.CheckpointSpec(dir, null, 10, null));
  }

  static JobSpec withStragglerPolicy(String policy) {
    return spec("ascend", 1, 1, Map.of(), null, null, policy);
  }

  static List<Pool> poolsWith(StragglerPolicy policy) {
    return List.of(ASCEND.withStragglerPolicy(policy), NVIDIA);
  }

  @Test
  void aJobMayLowerItsPoolsStragglerPolicyTowardsObserve() {
    assertThat(JobSpecChecks.check(withStragglerPolicy("observe"), poolsWith(REPLACE))).isEmpty();
    assertThat(JobSpecChecks.check(withStragglerPolicy("avoid"), poolsWith(REPLACE))).isEmpty();
    assertThat(JobSpecChecks.check(withStragglerPolicy("replace"), poolsWith(REPLACE))).isEmpty();
    assertThat(JobSpecChecks.check(withStragglerPolicy("observe"), POOLS)).isEmpty();
    assertThat(JobSpecChecks.check(withStragglerPolicy(null), POOLS)).isEmpty();
  }

  @Test
  void aJobAskingForMoreThanItsPoolsStragglerPolicyIsRefusedNamingTheField() {
    assertThat(JobSpecChecks.check(withStragglerPolicy("replace"), POOLS))
        .containsExactly(
            new FieldViolation(
                "stragglerPolicy",
                "'replace' goes beyond the straggler policy of pool 'ascend' ('observe'); a job"
                    + " may only lower it towards observe"));
    assertThat(JobSpecChecks.check(withStragglerPolicy("replace"), poolsWith(AVOID)))
        .extracting(FieldViolation::field)
        .containsExactly("stragglerPolicy");
  }

  @Test
  void theJobsStragglerPolicyIsThePoolsLoweredByTheJobs() {
    assertThat(REPLACE.forJob(OBSERVE)).isEqualTo(OBSERVE);
    assertThat(REPLACE.forJob(null)).isEqualTo(REPLACE);
    assertThat(AVOID.forJob(REPLACE)).isEqualTo(AVOID);
  }

  @Test
  void aCheckpointDirInsideTheJobsOwnDirectoryIsAccepted() {
    assertThat(JobSpecChecks.check(withCheckpointDir("run-1/ckpt"), POOLS)).isEmpty();
    assertThat(JobSpecChecks.check(withCheckpointDir("./ckpt"), POOLS)).isEmpty();
    assertThat(JobSpecChecks.check(withCheckpointDir("a..b/c"), POOLS)).isEmpty();
  }

  @Test
  void aCheckpointDirEscapingTheJobsDirectoryIsNamed() {
    for (String escaping :
        List.of(
            "/ckpt", "/data/checkpoints/other-job", "..", "../other", "a/../../b", "a\\..\\b")) {
      assertThat(JobSpecChecks.check(withCheckpointDir(escaping), POOLS))
          .as(escaping)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.field()).isEqualTo("checkpoint.dir");
                assertThat(v.message()).contains(escaping);
              });
    }
  }

  @Test
  void secretEnvMustNameEnvEntries() {
    JobSpec spec =
        spec("ascend", 1, 1, Map.of("TOKEN", "s3cr3t"), List.of("TOKEN", "MISSING"), null);

    assertThat(JobSpecChecks.check(spec, POOLS))
        .containsExactly(
            new FieldViolation("secretEnv[1]", "'MISSING' is not a name of an env entry"));
  }

  @Test
  void redactionMasksSecretValuesAndKeepsTheirNames() {
    JobSpec spec =
        spec("ascend", 1, 1, Map.of("TOKEN", "s3cr3t", "LR", "0.1"), List.of("TOKEN"), null);

    assertThat(spec.redacted().env()).containsOnly(entry("TOKEN", "******"), entry("LR", "0.1"));
    assertThat(spec.redacted().secretEnv()).containsExactly("TOKEN");
    assertThat(spec.redacted(true).env())
        .containsOnly(entry("TOKEN", "******"), entry("LR", "******"));
    assertThat(spec.redacted(java.util.Set.of("LR")).env()).doesNotContainValue("0.1");
    assertThat(spec.plainEnv()).containsOnly(entry("LR", "0.1"));
    assertThat(spec.env()).containsEntry("TOKEN", "s3cr3t");
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
