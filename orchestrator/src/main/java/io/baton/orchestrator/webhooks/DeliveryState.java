package io.baton.orchestrator.webhooks;

/**
 * Where a delivery stands: {@code PENDING} (due, in flight or waiting for a retry) → {@code
 * DELIVERED} (a 2xx answer) or {@code FAILED} (attempts exhausted). Both ends are final.
 */
enum DeliveryState {
  PENDING,
  DELIVERED,
  FAILED
}
