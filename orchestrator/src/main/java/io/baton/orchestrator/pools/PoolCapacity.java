package io.baton.orchestrator.pools;

import java.util.Map;

/**
 * What a pool holds now.
 *
 * @param nodes registered nodes
 * @param nodesByState nodes per state
 * @param chipsTotal chips of all nodes
 * @param chipsSchedulable OK or WARNING chips on READY nodes that the fault policy has not isolated
 * @param chipsWarning WARNING chips
 * @param chipsFault FAULT chips
 * @param chipsUnknown UNKNOWN chips (lost or never reported nodes)
 * @param nodesIsolated nodes the fault policy isolated as a whole
 * @param chipsIsolated chips the fault policy isolated, every chip of an isolated node included
 */
public record PoolCapacity(
    int nodes,
    Map<NodeState, Integer> nodesByState,
    int chipsTotal,
    int chipsSchedulable,
    int chipsWarning,
    int chipsFault,
    int chipsUnknown,
    int nodesIsolated,
    int chipsIsolated) {}
