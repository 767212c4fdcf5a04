package io.baton.agent.report;

import java.time.Duration;

/** Waits; tests pass one that waits less or not at all. */
@FunctionalInterface
public interface Sleeper {

  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
