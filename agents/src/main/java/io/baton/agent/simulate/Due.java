package io.baton.agent.simulate;

/** A report that came due: whose, and when ({@link System#nanoTime()}). */
record Due(SimNode node, long dueNanos) {}
