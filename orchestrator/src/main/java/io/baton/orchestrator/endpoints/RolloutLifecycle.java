package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.events.EventLog;
import java.time.Clock;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * The one place a rollout's state changes. Every change is one short transaction that checks the
 * transition against {@link RolloutState}, writes the new state with where the rollout now is (its
 * position and when its wait began) under a compare-and-set on the old state, and records the
 * event; an ending also switches what the endpoint serves (or keeps it) and tells the listeners.
 */
@Component
class RolloutLifecycle {

  private final EndpointRepository repository;
  private final EventLog events;
  private final ObjectProvider<RolloutListener> listeners;
  private final Clock clock;

  RolloutLifecycle(
      EndpointRepository repository,
      EventLog events,
      ObjectProvider<RolloutListener> listeners,
      Clock clock) {
    this.repository = repository;
    this.events = events;
    this.listeners = listeners;
    this.clock = clock;
  }

  /** A transition the table does not allow. */
  public static final class IllegalRolloutStateChange extends IllegalStateException {
    IllegalRolloutStateChange(RolloutState from, RolloutState to) {
      super("a rollout cannot move from " + from + " to " + to);
    }
  }

  /**
   * Moves a rollout still in flight on to CANARY or SCALING, now at {@code position} replicas with
   * a wait that begins now.
   *
   * @return false when the rollout is no longer in {@code rollout.state()} (moved by someone else)
   * @throws IllegalRolloutStateChange when the table does not allow the move
   */
  @Transactional
  public boolean advance(Rollout rollout, RolloutState to, int position, JsonNode evidence) {
    check(rollout.state(), to);
    if (to.isTerminal()) {
      throw new IllegalRolloutStateChange(rollout.state(), to);
    }
    Instant now = clock.instant();
    if (!repository.moveRollout(
        rollout.id(), rollout.state(), to, null, evidence, position, now, now)) {
      return false;
    }
    events.append(
        Endpoints.rolloutEvent(
            rollout.endpoint(),
            rollout.id(),
            rollout.state().name(),
            to.name(),
            "revision " + rollout.revision(),
            RolloutRunner.ACTOR,
            now));
    return true;
  }

  /**
   * The rollout SUCCEEDED: the endpoint serves its revision with {@code replicas}.
   *
   * @return false when the rollout had already moved on
   */
  @Transactional
  public boolean succeed(Rollout rollout, int replicas, String reason, JsonNode evidence) {
    check(rollout.state(), RolloutState.SUCCEEDED);
    Instant now = clock.instant();
    repository.lock(rollout.endpoint()).orElseThrow();
    if (!repository.moveRollout(
        rollout.id(),
        rollout.state(),
        RolloutState.SUCCEEDED,
        reason,
        evidence,
        rollout.position(),
        rollout.waitStartedAt(),
        now)) {
      return false;
    }
    repository.update(rollout.endpoint(), EndpointState.ACTIVE, rollout.revision(), replicas, now);
    events.append(
        Endpoints.rolloutEvent(
            rollout.endpoint(),
            rollout.id(),
            rollout.fromRevision() == null ? null : "revision " + rollout.fromRevision(),
            RolloutState.SUCCEEDED.name(),
            reason,
            RolloutRunner.ACTOR,
            now));
    listeners.orderedStream().forEach(l -> l.ended(rollout, true, reason, evidence));
    return true;
  }

  /**
   * The rollout is ROLLED_BACK: the endpoint keeps what it served.
   *
   * @return false when the rollout had already moved on
   */
  @Transactional
  public boolean rollBack(Rollout rollout, String reason, JsonNode evidence) {
    check(rollout.state(), RolloutState.ROLLED_BACK);
    Instant now = clock.instant();
    EndpointRepository.Row row = repository.lock(rollout.endpoint()).orElseThrow();
    if (!repository.moveRollout(
        rollout.id(),
        rollout.state(),
        RolloutState.ROLLED_BACK,
        reason,
        evidence,
        rollout.position(),
        rollout.waitStartedAt(),
        now)) {
      return false;
    }
    repository.update(
        row.name(),
        row.currentRevision() == null ? EndpointState.EMPTY : EndpointState.ACTIVE,
        row.currentRevision(),
        row.desiredReplicas(),
        now);
    events.append(
        Endpoints.rolloutEvent(
            rollout.endpoint(),
            rollout.id(),
            null,
            RolloutState.ROLLED_BACK.name(),
            reason,
            RolloutRunner.ACTOR,
            now));
    listeners.orderedStream().forEach(l -> l.ended(rollout, false, reason, evidence));
    return true;
  }

  private static void check(RolloutState from, RolloutState to) {
    if (!from.canMoveTo(to)) {
      throw new IllegalRolloutStateChange(from, to);
    }
  }
}
