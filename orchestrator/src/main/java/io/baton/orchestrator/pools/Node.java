package io.baton.orchestrator.pools;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A node as stored: its state, the normalized health of its chips, and the raw vendor fields of its
 * last report.
 */
public record Node(
    String name,
    String pool,
    NodeState state,
    ChipHealth health,
    String vendor,
    UUID bootId,
    long lastSeq,
    Instant lastReportAt,
    ChipHealthSummary chipHealth,
    List<Integer> chipIndexes,
    JsonNode chips,
    long malformedLines) {}
