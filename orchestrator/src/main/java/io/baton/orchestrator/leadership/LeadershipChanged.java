package io.baton.orchestrator.leadership;

/**
 * This replica began ({@code leading}) or ceased to lead; {@code token} is the new acquisition's
 * fencing token (0 when it ceased).
 */
public record LeadershipChanged(String replica, boolean leading, long token) {}
