package io.baton.orchestrator.endpoints;

/**
 * An endpoint's state: {@code EMPTY} (nothing promoted yet), {@code ACTIVE} or {@code ROLLING_OUT}.
 * The constant names are the JSON and stored values.
 */
enum EndpointState {
  EMPTY,
  ACTIVE,
  ROLLING_OUT
}
