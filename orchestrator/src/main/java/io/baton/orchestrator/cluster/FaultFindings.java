package io.baton.orchestrator.cluster;

import java.time.Instant;
import java.util.UUID;

/**
 * Where the runner records its own findings (a hang, a straggler) for the fault policy to judge.
 * The isolation feature, which judges them, provides it.
 */
public interface FaultFindings {

  /**
   * Records a finding as an unjudged occurrence.
   *
   * @param chip the chip, or {@code -1} for the whole node
   * @param signal {@code straggler} on a chip, {@code hang} on a node
   */
  void record(String node, int chip, String signal, UUID job, int attempt, Instant at);
}
