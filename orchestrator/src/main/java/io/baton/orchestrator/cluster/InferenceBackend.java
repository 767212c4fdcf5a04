package io.baton.orchestrator.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The port through which endpoints become serving replicas on an INFERENCE pool: {@code local}
 * (child processes of the demo server) or {@code kubernetes} (Deployments). Replicas are keyed by
 * (endpoint, revision, index), so every operation may be repeated after a crash.
 */
public interface InferenceBackend {

  /** Starts the replica unless it is already running (a replica that exited is started again). */
  void ensureReplica(Replica replica);

  /** Every replica the backend runs for the endpoint, ready or not. */
  List<ReplicaState> replicas(String endpoint);

  /** Stops a replica (grace period, then kill) and returns when it is gone. */
  void stopReplica(String endpoint, int revision, int index);

  /** The last {@code tail} lines a replica wrote; empty when there is no such replica. */
  String logs(String endpoint, int revision, int index, int tail);

  /** Runs a converter command on the inference pool to completion. */
  Conversion convert(ConversionRequest request);

  /**
   * One serving replica.
   *
   * @param artifact the model file it loads
   * @param command argv; {@code $(VAR)} expands from its environment ({@code BATON_MODEL}, {@code
   *     PORT}, ...)
   */
  record Replica(
      String endpoint,
      int revision,
      int index,
      String pool,
      String node,
      List<Integer> chips,
      List<String> command,
      String artifact) {}

  /**
   * What the backend sees of a replica.
   *
   * @param url where it answers, null until it listens
   * @param ready whether its readiness check passes
   * @param exitCode null while it runs
   */
  record ReplicaState(
      String endpoint,
      int revision,
      int index,
      String node,
      List<Integer> chips,
      String url,
      boolean ready,
      Integer exitCode,
      Instant startedAt) {}

  /**
   * A conversion of {@code input} into {@code outputFormat}, run as {@code command} with {@code
   * BATON_CONVERT_INPUT}, {@code BATON_CONVERT_OUTPUT} and {@code BATON_CONVERT_FORMAT} set.
   */
  record ConversionRequest(
      UUID promotionId,
      String pool,
      List<String> command,
      String input,
      String outputFormat,
      Map<String, String> env,
      Duration timeout) {}

  /**
   * @param output the converted file, null when the converter failed
   * @param log the converter's last output lines
   */
  record Conversion(int exitCode, String output, String log, Duration took) {}
}
