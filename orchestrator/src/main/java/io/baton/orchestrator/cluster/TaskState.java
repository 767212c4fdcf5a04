package io.baton.orchestrator.cluster;

/** A task's state in the {@code tasks} table; the constant names are the stored values. */
enum TaskState {
  RUNNING,
  SUCCEEDED,
  FAILED
}
