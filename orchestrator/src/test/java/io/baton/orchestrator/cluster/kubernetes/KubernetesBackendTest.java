package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.cluster.kubernetes.Fixtures.NAMESPACE;
import static io.baton.orchestrator.cluster.kubernetes.Kubelet.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.ClusterUnavailableException;
import io.baton.orchestrator.cluster.RankState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Training attempts on the CRUD mock API server, with a fake kubelet moving pod status. */
@EnableKubernetesMockClient(crud = true)
class KubernetesBackendTest {

  static final UUID JOB = UUID.fromString("00000000-0000-4000-8000-00000000c0de");

  KubernetesClient client;
  KubernetesMockServer server;
  KubernetesBackend backend;
  Kubelet kubelet;

  @BeforeEach
  void start() {
    kubelet = new Kubelet(client, NAMESPACE);
    kubelet.node("node-a", Map.of("baton.io/pool", "ascend"));
    kubelet.node("node-b", Map.of("baton.io/pool", "ascend"));
    backend =
        new KubernetesBackend(ApiAudit.client(client), Fixtures.properties(), Fixtures.pools());
    backend.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    backend.stop();
    ApiAudit.assertGranted(server);
  }

  @Test
  void aLaunchCreatesAnIndexedJobAndAHeadlessServiceItOwns() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));
    backend.launch(launch(id, 1));

    String name = "baton-" + id + "-a1";
    Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
    assertThat(name).hasSizeLessThanOrEqualTo(63);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("baton.io/job", id.toString())
        .containsEntry("baton.io/attempt", "1");
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(2);
    assertThat(job.getSpec().getParallelism()).isEqualTo(2);
    assertThat(job.getSpec().getBackoffLimit()).isZero();

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSubdomain()).isEqualTo(name);
    List<NodeSelectorRequirement> required =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()
            .get(0)
            .getMatchExpressions();
    assertThat(required)
        .anySatisfy(
            r -> {
              assertThat(r.getKey()).isEqualTo("kubernetes.io/hostname");
              assertThat(r.getOperator()).isEqualTo("In");
              assertThat(r.getValues()).containsExactly("node-a", "node-b");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getKey()).isEqualTo("baton.io/pool");
              assertThat(r.getValues()).containsExactly("ascend");
            });
    var antiAffinity =
        pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(antiAffinity).hasSize(1);
    assertThat(antiAffinity.get(0).getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(antiAffinity.get(0).getLabelSelector().getMatchExpressions().get(0).getValues())
        .containsExactly(name);
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("huawei.com/Ascend910");
              assertThat(t.getOperator()).isEqualTo("Exists");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });

    Container rank = pod.getContainers().get(0);
    assertThat(rank.getImage()).isEqualTo("registry.example/trainer:1");
    assertThat(rank.getCommand()).containsExactly("python", "train.py", "--rank", "$(BATON_RANK)");
    assertThat(rank.getResources().getRequests())
        .isEqualTo(rank.getResources().getLimits())
        .containsEntry("huawei.com/Ascend910", new Quantity("8"));
    assertThat(rank.getEnv().get(0).getName()).isEqualTo("JOB_COMPLETION_INDEX");
    assertThat(rank.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    Map<String, String> env =
        rank.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("BATON_JOB_ID", id.toString())
        .containsEntry("BATON_ATTEMPT", "1")
        .containsEntry("BATON_RANK", "$(JOB_COMPLETION_INDEX)")
        .containsEntry("RANK", "$(JOB_COMPLETION_INDEX)")
        .containsEntry("BATON_WORLD_SIZE", "2")
        .containsEntry("WORLD_SIZE", "2")
        .containsEntry("MASTER_ADDR", name + "-0." + name)
        .containsEntry("BATON_MASTER_ADDR", name + "-0." + name)
        .containsEntry("MASTER_PORT", "29500")
        .containsEntry("BATON_CHECKPOINT_DIR", "/checkpoints/checkpoints/" + id)
        .containsEntry("BATON_RESUME_FROM", "")
        .containsEntry(
            "BATON_PROGRESS_FILE",
            "/var/lib/baton/progress/" + id + "/1/rank-$(JOB_COMPLETION_INDEX).jsonl")
        .containsEntry("BATON_PLACEMENT", "node-a,node-b")
        .containsEntry("EXTRA", "1");
    assertThat(rank.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getSubPath() + ":" + m.getMountPath())
        .containsExactly(
            "checkpoints:checkpoints/" + id + ":/checkpoints/checkpoints/" + id,
            "progress:" + id + "/1:/var/lib/baton/progress/" + id + "/1");
    assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("baton-checkpoints");
    assertThat(pod.getVolumes().get(1).getHostPath().getPath())
        .isEqualTo("/var/lib/baton/progress");

    Service service = client.services().inNamespace(NAMESPACE).withName(name).get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(service.getSpec().getSelector()).containsEntry("baton.io/attempt-name", name);
    assertThat(service.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("Job");
              assertThat(owner.getName()).isEqualTo(name);
              assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
              assertThat(owner.getController()).isTrue();
            });
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
  }

  @Test
  void observeFollowsThePodsAsTheKubeletReportsThem() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));
    eventually(
        () ->
            assertThat(backend.observe(id, 1))
                .containsExactly(
                    new RankState(0, "node-a", null), new RankState(1, "node-b", null)));

    Job job = job(id, 1);
    Pod rank0 = kubelet.running(kubelet.schedule(job, 0, "node-b"));
    Pod rank1 = kubelet.running(kubelet.schedule(job, 1, "node-a"));
    eventually(
        () ->
            assertThat(backend.observe(id, 1))
                .containsExactly(
                    new RankState(0, "node-b", null), new RankState(1, "node-a", null)));

    kubelet.exited(rank0, 0, "Completed", null);
    kubelet.exited(rank1, 0, "Completed", null);
    eventually(
        () ->
            assertThat(backend.observe(id, 1))
                .containsExactly(new RankState(0, "node-b", 0), new RankState(1, "node-a", 0)));
  }

  @Test
  void failedRanksCarryTheirExitCodeAndCause() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));
    Job job = job(id, 1);
    Pod rank0 = kubelet.running(kubelet.schedule(job, 0, "node-a"));
    Pod rank1 = kubelet.schedule(job, 1, "node-b");

    kubelet.exited(rank0, 137, "OOMKilled", null);
    kubelet.waiting(rank1, "ImagePullBackOff", "Back-off pulling image \"trainer:1\"");

    eventually(
        () ->
            assertThat(backend.observe(id, 1))
                .containsExactly(
                    new RankState(0, "node-a", 137, "OOMKilled", false),
                    new RankState(
                        1,
                        "node-b",
                        127,
                        "ImagePullBackOff: Back-off pulling image \"trainer:1\"",
                        false)));
  }

  @Test
  void aRankWhoseNodeVanishedOrThatWasEvictedEndedForInfrastructureReasons() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));
    Job job = job(id, 1);
    kubelet.running(kubelet.schedule(job, 0, "node-a"));
    Pod rank1 = kubelet.running(kubelet.schedule(job, 1, "node-b"));

    client.nodes().withName("node-a").delete();
    kubelet.evicted(rank1);

    eventually(
        () -> {
          List<RankState> ranks = backend.observe(id, 1);
          assertThat(ranks).allMatch(RankState::infrastructure);
          assertThat(ranks.get(0))
              .isEqualTo(new RankState(0, "node-a", 137, "node node-a is gone", true));
          assertThat(ranks.get(1).exitCode()).isEqualTo(137);
          assertThat(ranks.get(1).reason()).startsWith("Evicted");
        });
  }

  @Test
  void ranksWithoutPodsOfAFailedJobEndedForInfrastructureReasons() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));
    Job job = job(id, 1);
    kubelet.exited(kubelet.schedule(job, 0, "node-a"), 0, "Completed", null);
    job.setStatus(
        new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
            .addNewCondition()
            .withType("Failed")
            .withStatus("True")
            .withReason("BackoffLimitExceeded")
            .withMessage("Job has reached the specified backoff limit")
            .endCondition()
            .build());
    client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job).updateStatus();

    eventually(
        () ->
            assertThat(backend.observe(id, 1))
                .containsExactly(
                    new RankState(0, "node-a", 0),
                    new RankState(
                        1,
                        "node-b",
                        137,
                        "the Job failed: BackoffLimitExceeded: Job has reached the specified"
                            + " backoff limit",
                        true)));
  }

  @Test
  void stopDeletesTheJobAndTheAttemptIsGone() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 2));
    eventually(() -> assertThat(backend.observe(id, 2)).hasSize(2));

    backend.stop(id, 2);
    backend.stop(id, 2);

    assertThat(
            client.batch().v1().jobs().inNamespace(NAMESPACE).withName("baton-" + id + "-a2").get())
        .isNull();
    eventually(() -> assertThat(backend.observe(id, 2)).isEmpty());
  }

  @Test
  void observeCannotTellBeforeTheInformersFollowTheApiServer() {
    KubernetesBackend notStarted =
        new KubernetesBackend(ApiAudit.client(client), Fixtures.properties(), Fixtures.pools());

    assertThatThrownBy(() -> notStarted.observe(UUID.randomUUID(), 1))
        .isInstanceOf(ClusterUnavailableException.class);
  }

  @Test
  void aRankPodMountsOnlyItsJobsDirectoriesNeverAVolumesRoot() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 2));

    PodSpec pod = job(id, 2).getSpec().getTemplate().getSpec();
    Restricted.assertNoVolumeRoot(pod);
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .doesNotContain("/checkpoints", "/checkpoints/checkpoints", "/var/lib/baton/progress")
        .allMatch(path -> path.contains(id.toString()));
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("checkpoints", "progress");
  }

  @Test
  void rankPodsMeetTheRestrictedPodSecurityProfile() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));

    PodSpec pod = job(id, 1).getSpec().getTemplate().getSpec();
    Restricted.assertRestricted(pod, true);
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
  }

  @Test
  void aPoolWhoseRuntimeNeedsRootRunsItsRanksAsRootAndNothingElseLoosened() {
    var rootPool =
        new io.baton.orchestrator.pools.Pool(
            "ascend",
            Fixtures.ASCEND.role(),
            Fixtures.ASCEND.accelerator(),
            2,
            8,
            Fixtures.ASCEND.nodeLabels(),
            Fixtures.ASCEND.resourceName(),
            Fixtures.ASCEND.topologyLabel(),
            Fixtures.ASCEND.tolerations(),
            true);
    UUID id = UUID.randomUUID();

    PodSpec pod =
        TrainingManifests.job(launch(id, 1), rootPool, Fixtures.properties())
            .getSpec()
            .getTemplate()
            .getSpec();

    Restricted.assertRestricted(pod, false);
    assertThat(pod.getSecurityContext().getRunAsUser()).isZero();
  }

  @Test
  void secretEnvValuesGoIntoASecretTheRanksReadNeverIntoThePodSpec() throws Exception {
    UUID id = UUID.randomUUID();
    String secretValue = "wandb-" + UUID.randomUUID();
    ClusterBackend.Launch launch = withSecret(launch(id, 1), "WANDB_API_KEY", secretValue);

    backend.launch(launch);
    backend.launch(launch);

    String name = "baton-" + id + "-a1";
    Job job = job(id, 1);
    assertThat(client.getKubernetesSerialization().asJson(job)).doesNotContain(secretValue);
    assertThat(job.getSpec().getSuspend()).as("resumed once its Secret exists").isFalse();
    EnvVar fromSecret =
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("WANDB_API_KEY"))
            .findFirst()
            .orElseThrow();
    assertThat(fromSecret.getValue()).isNull();
    assertThat(fromSecret.getValueFrom().getSecretKeyRef().getName()).isEqualTo(name + "-env");
    assertThat(fromSecret.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("WANDB_API_KEY");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .contains(new EnvVar("EXTRA", "1", null));

    Secret secret = client.secrets().inNamespace(NAMESPACE).withName(name + "-env").get();
    assertThat(secret.getData())
        .containsOnly(
            entry(
                "WANDB_API_KEY",
                Base64.getEncoder().encodeToString(secretValue.getBytes(StandardCharsets.UTF_8))));
    assertThat(secret.getImmutable()).isTrue();
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("Job");
              assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
            });

    List<RecordedRequest> requests = ApiAudit.take(server);
    List<String> order =
        requests.stream()
            .map(r -> ApiAudit.call(r.getMethod(), r.getPath()))
            .filter(
                c ->
                    c.startsWith("batch/jobs:create")
                        || c.startsWith("core/secrets")
                        || c.startsWith("batch/jobs:patch"))
            .toList();
    assertThat(order)
        .as("the Job is created suspended, its Secret next, then it is resumed")
        .startsWith("batch/jobs:create", "core/secrets:create", "batch/jobs:patch");
    assertThat(
            TrainingManifests.job(launch, Fixtures.ASCEND, Fixtures.properties())
                .getSpec()
                .getSuspend())
        .as("created suspended")
        .isTrue();
    assertThat(ApiAudit.callsOf(requests)).isSubsetOf(ApiAudit.allowed());
  }

  @Test
  void aLaunchWithoutSecretEnvHasNoSecretAndStartsAtOnce() {
    UUID id = UUID.randomUUID();
    backend.launch(launch(id, 1));

    assertThat(job(id, 1).getSpec().getSuspend()).isNotEqualTo(Boolean.TRUE);
    assertThat(client.secrets().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void aDigestRunsAHelperJobOnTheCheckpointVolume() {
    String sha = "ab".repeat(32);
    CompletableFuture<Job> helper = kubeletFinishesHelper("digest", sha + " 5120");
    String file = "/checkpoints/checkpoints/" + JOB + "/step-100/model.bin";

    ClusterBackend.FileDigest digest = backend.digest(file);

    assertThat(digest).isEqualTo(new ClusterBackend.FileDigest(true, sha, 5120));
    Job job = helper.join();
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("busybox:1.36");
    assertThat(container.getEnv()).contains(new EnvVar("BATON_FILE", file, null));
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getSubPath() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly("checkpoints/" + JOB + ":/checkpoints/checkpoints/" + JOB + ":true");
    Restricted.assertRestricted(job.getSpec().getTemplate().getSpec(), true);
    assertThat(
            job.getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes()
                .get(0)
                .getPersistentVolumeClaim()
                .getClaimName())
        .isEqualTo("baton-checkpoints");
    eventually(
        () ->
            assertThat(
                    client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NAMESPACE)
                        .withLabel(FileJobs.HELPER)
                        .list()
                        .getItems())
                .isEmpty());
  }

  @Test
  void aMissingFileHasNoDigest() {
    kubeletFinishesHelper("digest", "missing");

    assertThat(backend.digest("/checkpoints/checkpoints/" + JOB + "/none"))
        .isEqualTo(new ClusterBackend.FileDigest(false, null, 0));
  }

  @Test
  void aFileOutsideTheJobsDirectoriesIsNotThereAndNoHelperLooks() {
    assertThat(backend.digest("/etc/passwd"))
        .isEqualTo(new ClusterBackend.FileDigest(false, null, 0));
    assertThat(backend.digest("/checkpoints/loose.bin"))
        .isEqualTo(new ClusterBackend.FileDigest(false, null, 0));
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void deletingACheckpointTakesItsFirstLevelDirectories() {
    CompletableFuture<Job> helper = kubeletFinishesHelper("delete", "deleted");
    String dir = "/checkpoints/checkpoints/" + JOB;

    backend.deleteCheckpointFiles(
        dir, List.of("step-100/model.bin", "step-100/golden.json", "loose.bin"));

    Container container = helper.join().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getEnv())
        .contains(
            new EnvVar("BATON_DIR", dir, null),
            new EnvVar("BATON_TARGETS", "step-100\nloose.bin", null));
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getSubPath() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly("checkpoints/" + JOB + ":" + dir + ":null");
    assertThatThrownBy(() -> backend.deleteCheckpointFiles(dir, List.of("../other/step-1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkpointsLiveInTheJobsOwnDirectoryOfTheVolume() {
    UUID id = UUID.randomUUID();

    assertThat(backend.checkpointDir(id, null)).isEqualTo("/checkpoints/checkpoints/" + id);
    assertThat(backend.checkpointDir(id, "team/run-1"))
        .isEqualTo("/checkpoints/checkpoints/" + id + "/team/run-1");
    for (String escaping :
        List.of("../../etc", "/checkpoints/x", "../" + UUID.randomUUID(), "a/../../b")) {
      assertThatThrownBy(() -> backend.checkpointDir(id, escaping))
          .as(escaping)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** The helper Job's pod runs on node-a and ends with {@code message}. */
  private CompletableFuture<Job> kubeletFinishesHelper(String purpose, String message) {
    return CompletableFuture.supplyAsync(
        () -> {
          Job[] found = new Job[1];
          eventually(
              () -> {
                List<Job> jobs =
                    client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NAMESPACE)
                        .withLabel(Names.COMPONENT, purpose)
                        .list()
                        .getItems();
                assertThat(jobs).isNotEmpty();
                found[0] = jobs.get(0);
              });
          Pod pod = kubelet.schedule(found[0], 0, "node-a");
          kubelet.exited(pod, 0, "Completed", message);
          return found[0];
        });
  }

  private Job job(UUID id, int attempt) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .withName("baton-" + id + "-a" + attempt)
        .get();
  }

  private static ClusterBackend.Launch withSecret(
      ClusterBackend.Launch l, String name, String value) {
    Map<String, String> env = new java.util.HashMap<>(l.env());
    env.put(name, value);
    return new ClusterBackend.Launch(
        l.jobId(),
        l.attempt(),
        l.command(),
        env,
        l.ranks(),
        l.checkpointDir(),
        l.resumeFrom(),
        l.pool(),
        l.image(),
        java.util.Set.of(name));
  }

  private static ClusterBackend.Launch launch(UUID id, int attempt) {
    List<ClusterBackend.RankPlacement> ranks =
        List.of(
            new ClusterBackend.RankPlacement(0, "node-a", IntStream.range(0, 8).boxed().toList()),
            new ClusterBackend.RankPlacement(1, "node-b", IntStream.range(0, 8).boxed().toList()));
    return new ClusterBackend.Launch(
        id,
        attempt,
        List.of("python", "train.py", "--rank", "$(BATON_RANK)"),
        Map.of("EXTRA", "1"),
        ranks,
        "/checkpoints/checkpoints/" + id,
        null,
        "ascend",
        "registry.example/trainer:1");
  }
}
