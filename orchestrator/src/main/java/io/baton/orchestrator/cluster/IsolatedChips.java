package io.baton.orchestrator.cluster;

import java.util.Map;
import java.util.Set;

/**
 * The chips and nodes taken out of placement, as the backends need them (the Kubernetes fencer
 * cordons and taints their nodes). The isolation feature, which decides them, provides it.
 */
public interface IsolatedChips {

  /** Isolated chips by node; a node isolated as a whole holds {@code -1}. */
  Map<String, Set<Integer>> isolated();
}
