package io.baton.orchestrator.support.fakes;

import io.baton.orchestrator.cluster.InferenceBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link InferenceBackend}: {@link #ensureReplica} records the replica, which then
 * runs, not ready, until a test makes it {@link #ready} or {@link #fail}s it; stops are recorded
 * ({@link #stopped()}). Conversions copy nothing: they answer with the input, exit 0.
 */
public final class FakeInferenceBackend implements InferenceBackend {

  /** A replica the runner stopped. */
  public record Stopped(String endpoint, int revision, int index) {}

  private final Clock clock;
  private final Map<String, ReplicaState> replicas = new LinkedHashMap<>();
  private final List<Replica> ensured = new ArrayList<>();
  private final List<Stopped> stopped = new ArrayList<>();

  public FakeInferenceBackend(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void ensureReplica(Replica r) {
    ReplicaState now = replicas.get(key(r.endpoint(), r.revision(), r.index()));
    if (now != null && now.exitCode() == null) {
      return;
    }
    ensured.add(r);
    replicas.put(
        key(r.endpoint(), r.revision(), r.index()),
        new ReplicaState(
            r.endpoint(),
            r.revision(),
            r.index(),
            r.node(),
            r.chips(),
            null,
            false,
            null,
            clock.instant()));
  }

  @Override
  public synchronized List<ReplicaState> replicas(String endpoint) {
    return replicas.values().stream()
        .filter(r -> r.endpoint().equals(endpoint))
        .sorted(
            Comparator.comparingInt(ReplicaState::revision).thenComparingInt(ReplicaState::index))
        .toList();
  }

  @Override
  public synchronized void stopReplica(String endpoint, int revision, int index) {
    if (replicas.remove(key(endpoint, revision, index)) != null) {
      stopped.add(new Stopped(endpoint, revision, index));
    }
  }

  /** The replica listens on {@code url} and passes its readiness check. */
  public synchronized void ready(String endpoint, int revision, int index, String url) {
    ReplicaState r = replica(endpoint, revision, index);
    replicas.put(
        key(endpoint, revision, index),
        new ReplicaState(
            endpoint, revision, index, r.node(), r.chips(), url, true, null, r.startedAt()));
  }

  /** The replica exits with {@code exitCode}. */
  public synchronized void fail(String endpoint, int revision, int index, int exitCode) {
    ReplicaState r = replica(endpoint, revision, index);
    replicas.put(
        key(endpoint, revision, index),
        new ReplicaState(
            endpoint,
            revision,
            index,
            r.node(),
            r.chips(),
            r.url(),
            false,
            exitCode,
            r.startedAt()));
  }

  /** Every replica the runner asked for, in order (a replica started again appears again). */
  public synchronized List<Replica> ensured() {
    return List.copyOf(ensured);
  }

  public synchronized List<Stopped> stopped() {
    return List.copyOf(stopped);
  }

  @Override
  public String logs(String endpoint, int revision, int index, int tail) {
    return "";
  }

  @Override
  public Conversion convert(ConversionRequest request) {
    return new Conversion(0, request.input(), "", Duration.ZERO);
  }

  private ReplicaState replica(String endpoint, int revision, int index) {
    ReplicaState r = replicas.get(key(endpoint, revision, index));
    if (r == null) {
      throw new IllegalStateException(
          "replica " + index + " of " + endpoint + " revision " + revision + " does not run");
    }
    return r;
  }

  private static String key(String endpoint, int revision, int index) {
    return endpoint + "/" + revision + "/" + index;
  }
}
