package io.baton.orchestrator.pools;

/** Whether a node's agent is heard from. */
public enum NodeState {
  /** Registered, never reported. */
  NEW,
  /** Reporting within its timeout. */
  READY,
  /** Silent longer than {@code baton.nodes.timeout}: every chip is UNKNOWN. */
  LOST
}
