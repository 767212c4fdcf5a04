package io.baton.orchestrator.leadership;

import java.util.Optional;

/**
 * Whether this replica owns the loops that must run on one replica at a time, and the fencing token
 * of that ownership. Adapters: {@link DatabaseLease} (a row in PostgreSQL) and, on the kubernetes
 * backend, {@link KubernetesLease} (a {@code coordination.k8s.io} Lease).
 */
public interface Leadership {

  /** This replica's name, as it appears as the lease's holder. */
  String replica();

  /** The fence of the lease this replica holds now; empty when it does not lead. */
  Optional<Fence> fence();

  default boolean isLeader() {
    return fence().isPresent();
  }

  /** What the lease says now (read from where the lease lives), for operators. */
  LeaseView view();
}
