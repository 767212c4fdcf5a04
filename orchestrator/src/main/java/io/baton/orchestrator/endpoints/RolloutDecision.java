package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to do next with a rollout in flight, from what is observed now. Pure: the runner gathers the
 * observation (the persisted rollout and what the backend runs), carries out the one action, and
 * asks again on its next pass; nothing waits in between, so a restarted orchestrator (or another
 * one) takes the next step from the persisted state.
 */
@Decision
final class RolloutDecision {

  private RolloutDecision() {}

  /** A replica of the revision being rolled out, as the backend sees it. */
  public record Replica(int index, boolean ready, Integer exitCode) {}

  /**
   * @param state the rollout's persisted state
   * @param replicas replicas the revision serves with once rolled out
   * @param position replicas of the revision asked for so far (persisted)
   * @param waitStartedAt when the current wait for readiness began (persisted), null before
   * @param readinessTimeout how long the replicas of the current wait may take
   * @param running the revision's replicas the backend has
   * @param golden whether the revision has golden inputs the canary must reproduce
   * @param now the time the observation was made
   * @param startAgainAfter how long a replica asked for may take to show in the backend (an
   *     informer's lag) before it counts as gone
   */
  public record Observation(
      RolloutState state,
      int replicas,
      int position,
      Instant waitStartedAt,
      Duration readinessTimeout,
      List<Replica> running,
      boolean golden,
      Instant now,
      Duration startAgainAfter) {}

  public sealed interface Action {}

  /** PENDING: start replica 0 of the revision and wait for it (CANARY, position 1). */
  public record StartCanary() implements Action {}

  /**
   * Replicas asked for but not there (the backend lost them, e.g. it restarted): ask again; the
   * wait goes on from when it began.
   */
  public record StartAgain(Set<Integer> indexes) implements Action {}

  /** The canary is ready: check the golden inputs on it, then scale if they match. */
  public record CheckGolden() implements Action {}

  /** The canary is ready and there is nothing to check: start the rest (SCALING, all). */
  public record Scale() implements Action {}

  /** Every replica is ready: the endpoint serves the revision. */
  public record Succeed() implements Action {}

  /** Stop the revision's replicas; the endpoint keeps what it served. */
  public record RollBack(String reason) implements Action {}

  /** Nothing to do until the next pass. */
  public record Wait() implements Action {}

  public static Action decide(Observation o) {
    return switch (o.state()) {
      case PENDING -> new StartCanary();
      case CANARY -> waiting(o, 1).orElseGet(() -> o.golden() ? new CheckGolden() : new Scale());
      case SCALING -> waiting(o, o.replicas()).orElseGet(Succeed::new);
      case SUCCEEDED, ROLLED_BACK -> new Wait();
    };
  }

  /**
   * While replicas 0..{@code wanted}-1 are not all ready: the action the wait calls for; empty when
   * every one is ready.
   */
  private static Optional<Action> waiting(Observation o, int wanted) {
    for (Replica r : o.running()) {
      if (r.index() < wanted && r.exitCode() != null) {
        return Optional.of(
            new RollBack(
                (wanted == 1 ? "canary " : "replica ")
                    + r.index()
                    + " exited with code "
                    + r.exitCode()));
      }
    }
    Set<Integer> missing = new TreeSet<>();
    int ready = 0;
    for (int i = 0; i < wanted; i++) {
      int index = i;
      Optional<Replica> r = o.running().stream().filter(x -> x.index() == index).findFirst();
      if (r.isEmpty()) {
        missing.add(i);
      } else if (r.get().ready()) {
        ready++;
      }
    }
    if (ready == wanted) {
      return Optional.empty();
    }
    if (o.waitStartedAt() != null
        && o.now().isAfter(o.waitStartedAt().plus(o.readinessTimeout()))) {
      String who = (wanted == 1 ? "canary " : "replica ") + firstNotReady(o, wanted);
      return Optional.of(
          new RollBack(who + " not ready within " + o.readinessTimeout().toSeconds() + " s"));
    }
    if (!missing.isEmpty()
        && o.waitStartedAt() != null
        && !o.now().isBefore(o.waitStartedAt().plus(o.startAgainAfter()))) {
      return Optional.of(new StartAgain(missing));
    }
    return Optional.of(new Wait());
  }

  private static int firstNotReady(Observation o, int wanted) {
    for (int i = 0; i < wanted; i++) {
      int index = i;
      if (o.running().stream().noneMatch(r -> r.index() == index && r.ready())) {
        return i;
      }
    }
    return 0;
  }
}
