package io.baton.orchestrator.pools;

/** What a pool's chips are for. */
public enum PoolRole {
  /** Ascend nodes that run training jobs. */
  TRAINING,
  /** Nvidia nodes that serve endpoints. */
  INFERENCE
}
