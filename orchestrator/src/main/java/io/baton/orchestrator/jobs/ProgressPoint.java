package io.baton.orchestrator.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** One point of a job's progress series, as a loss curve is drawn from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressPoint(
    long step,
    Long totalSteps,
    Double loss,
    Double samplesPerSec,
    Instant time,
    int rank,
    Integer attempt,
    String node,
    JsonNode metrics) {}
