package io.baton.orchestrator.leadership;

import java.time.Instant;

/**
 * A lease as it stands: who holds it (null: nobody yet), the fencing token of the latest
 * acquisition, when it was last renewed and when it expires unless renewed.
 */
public record LeaseView(
    String name, String holder, long token, Instant renewedAt, Instant expiresAt) {}
