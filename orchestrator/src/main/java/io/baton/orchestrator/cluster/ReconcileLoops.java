package io.baton.orchestrator.cluster;

import io.baton.orchestrator.leadership.Leadership;
import org.springframework.stereotype.Component;

/**
 * Makes the reconcilers' loops, each either <em>owned</em> (runs only on the replica that holds the
 * lease, its writes fenced) or run on every replica (shown safe there by a test); which loop is
 * which is tabled in docs/design.md.
 */
@Component
public class ReconcileLoops {

  private final Leadership leadership;
  private final LoopProperties properties;

  ReconcileLoops(Leadership leadership, LoopProperties properties) {
    this.leadership = leadership;
    this.properties = properties;
  }

  /** A loop that passes only while this replica leads, under the lease's fence. */
  public ReconcileLoop owned(String name, Runnable pass) {
    return new ReconcileLoop(name, pass, leadership, properties.drivers());
  }

  /** Whether this replica leads now. */
  public boolean leading() {
    return leadership.isLeader();
  }
}
