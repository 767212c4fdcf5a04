package io.baton.orchestrator.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One point of a job's progress series, as a loss curve is drawn from.
 *
 * @param stepMs the step's wall time as the rank reported it; null when it did not
 * @param computeMs the part of the step before its collective; null when not reported
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProgressPoint(
    long step,
    Long totalSteps,
    Double loss,
    Double samplesPerSec,
    Double stepMs,
    Double computeMs,
    Instant time,
    int rank,
    Integer attempt,
    String node,
    JsonNode metrics) {}
