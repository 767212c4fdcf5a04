package io.baton.orchestrator.jobs;

import java.util.UUID;

/** A job was queued (published inside the submitting transaction). */
public record JobSubmitted(UUID jobId) {}
