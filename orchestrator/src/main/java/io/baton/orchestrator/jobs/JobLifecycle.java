package io.baton.orchestrator.jobs;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one place a job's state changes. Every change is one transaction that checks the transition
 * against {@link JobState}, writes the new state under an optimistic version check, and records the
 * event.
 */
@Component
public class JobLifecycle {

  private final JobRepository jobs;
  private final EventLog events;
  private final Clock clock;

  JobLifecycle(JobRepository jobs, EventLog events, Clock clock) {
    this.jobs = jobs;
    this.events = events;
    this.clock = clock;
  }

  /** Stores a new QUEUED job with its first event. */
  @Transactional
  public Job submit(UUID id, JobSpec spec, String actor) {
    Job job = Job.queued(id, spec, now());
    jobs.insert(job);
    events.append(
        Event.New.jobState(id, null, job.state().name(), job.reason(), actor, job.createdAt()));
    return job;
  }

  /**
   * Moves a job to {@code to}.
   *
   * @throws JobNotFoundException when there is no such job
   * @throws ConcurrentJobChange when the job is no longer at {@code expectedVersion}
   * @throws IllegalJobStateChange when its state may not move to {@code to}
   */
  @Transactional
  public Job transition(UUID id, long expectedVersion, JobState to, String reason, String actor) {
    Job job = jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
    if (job.version() != expectedVersion) {
      throw new ConcurrentJobChange(id, expectedVersion);
    }
    if (!job.state().canMoveTo(to)) {
      throw new IllegalJobStateChange(job.state(), to);
    }
    Job next = job.movedTo(to, reason, now());
    if (!jobs.compareAndSet(next, expectedVersion)) {
      throw new ConcurrentJobChange(id, expectedVersion);
    }
    events.append(
        Event.New.jobState(id, job.state().name(), to.name(), reason, actor, next.updatedAt()));
    return next;
  }

  /**
   * Admits a waiting job onto a placement: the next attempt begins, with the chips it holds (the
   * caller inserted their allocations in the same transaction).
   *
   * @throws ConcurrentJobChange when the job is no longer at {@code expectedVersion}
   * @throws IllegalJobStateChange when the job is not waiting for chips
   */
  @Transactional
  public Job admit(UUID id, long expectedVersion, List<Job.Placement> placement, String actor) {
    Job job = jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
    if (job.version() != expectedVersion) {
      throw new ConcurrentJobChange(id, expectedVersion);
    }
    if (!job.state().canMoveTo(JobState.ADMITTED)) {
      throw new IllegalJobStateChange(job.state(), JobState.ADMITTED);
    }
    String reason = "placed on " + describe(placement);
    Job next = job.admittedTo(placement, reason, now());
    if (!jobs.compareAndSet(next, expectedVersion)) {
      throw new ConcurrentJobChange(id, expectedVersion);
    }
    events.append(
        Event.New.jobState(
            id, job.state().name(), JobState.ADMITTED.name(), reason, actor, next.updatedAt()));
    return next;
  }

  /**
   * Moves a starting or running job to RECOVERING after a failure, counting it against the budget
   * of its kind: application failures against {@code maxRestarts}, infrastructure failures against
   * their own.
   */
  @Transactional
  public Job recover(
      UUID id, long expectedVersion, boolean infrastructure, String cause, String actor) {
    Job job = current(id, expectedVersion);
    if (!job.state().canMoveTo(JobState.RECOVERING)) {
      throw new IllegalJobStateChange(job.state(), JobState.RECOVERING);
    }
    Job next = job.recovering(infrastructure, cause, now());
    save(next, expectedVersion);
    events.append(
        Event.New.jobState(
            id, job.state().name(), JobState.RECOVERING.name(), cause, actor, next.updatedAt()));
    return next;
  }

  /**
   * A RECOVERING job whose ranks are stopped and chips released becomes placeable again, resuming
   * from {@code resumeFrom} (null: from scratch); records the restart with its cost.
   */
  @Transactional
  public Job readyToResume(
      UUID id,
      long expectedVersion,
      String resumeFrom,
      long stepsLost,
      String summary,
      String actor) {
    Job job = current(id, expectedVersion);
    if (job.state() != JobState.RECOVERING) {
      throw new IllegalJobStateChange(job.state(), JobState.ADMITTED);
    }
    Job next = job.readyToResume(resumeFrom, stepsLost, now());
    save(next, expectedVersion);
    events.append(
        new Event.New(
            "job.restart", "job/" + id, id, null, null, summary, actor, next.updatedAt()));
    return next;
  }

  private Job current(UUID id, long expectedVersion) {
    Job job = jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
    if (job.version() != expectedVersion) {
      throw new ConcurrentJobChange(id, expectedVersion);
    }
    return job;
  }

  private void save(Job next, long expectedVersion) {
    if (!jobs.compareAndSet(next, expectedVersion)) {
      throw new ConcurrentJobChange(next.id(), expectedVersion);
    }
  }

  /** One job of a batch admission. */
  public record Admission(UUID id, long expectedVersion, List<Job.Placement> placement) {
    String reason() {
      return "placed on " + describe(placement);
    }
  }

  /**
   * Admits many waiting jobs in one go (the scheduler's round): those still at their expected
   * version and in a state that may become ADMITTED move there, each with an event; the others are
   * left alone.
   *
   * @return the ids admitted, with their new attempt
   */
  @Transactional
  public java.util.Map<UUID, Integer> admitAll(List<Admission> admissions, String actor) {
    if (admissions.isEmpty()) {
      return java.util.Map.of();
    }
    List<String> from =
        java.util.Arrays.stream(JobState.values())
            .filter(s -> s.canMoveTo(JobState.ADMITTED))
            .map(Enum::name)
            .toList();
    Instant now = now();
    java.util.Map<UUID, Admission> byId = new java.util.HashMap<>();
    admissions.forEach(a -> byId.put(a.id(), a));
    java.util.Map<UUID, Integer> admitted = new java.util.LinkedHashMap<>();
    List<Event.New> changes = new java.util.ArrayList<>();
    for (JobRepository.Admitted a : jobs.admitAll(admissions, from, now)) {
      admitted.put(a.id(), a.attempt());
      changes.add(
          Event.New.jobState(
              a.id(),
              a.from().name(),
              JobState.ADMITTED.name(),
              byId.get(a.id()).reason(),
              actor,
              now));
    }
    events.appendAll(changes);
    return admitted;
  }

  private static String describe(List<Job.Placement> placement) {
    StringBuilder text = new StringBuilder();
    for (Job.Placement node : placement) {
      text.append(text.isEmpty() ? "" : ", ").append(node.node()).append(' ').append(node.chips());
    }
    return text.toString();
  }

  /** Database timestamps keep microseconds; so do ours, so what we return is what we stored. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
