package io.baton.agent.collect;

/**
 * The state of one chip-to-chip or chip-to-network link as the agent read it.
 *
 * <p>{@link #UNKNOWN} is what a missing tool, a failing tool or an unreadable answer gives: never
 * {@link #UP}, because a link nobody could read is not known to be healthy.
 */
public enum LinkState {
  UP,
  DOWN,
  UNKNOWN
}
