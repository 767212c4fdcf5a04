package io.baton.orchestrator.jobs;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.idempotency.IdempotencyKeys;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import io.baton.schemas.BatonSchemas;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Submitting, reading, listing and cancelling training jobs. */
@Service
public class JobService {

  private static final String SUBMIT_SCOPE = "POST /api/v1/jobs";

  private final JobRepository jobs;
  private final JobLifecycle lifecycle;
  private final EventLog events;
  private final PoolCatalog pools;
  private final IdempotencyKeys idempotencyKeys;
  private final Cursors cursors;
  private final JsonMapper json;
  private final Clock clock;
  private final org.springframework.context.ApplicationEventPublisher publisher;
  private final TeamsProperties teams;

  JobService(
      JobRepository jobs,
      JobLifecycle lifecycle,
      EventLog events,
      PoolCatalog pools,
      IdempotencyKeys idempotencyKeys,
      Cursors cursors,
      JsonMapper json,
      Clock clock,
      org.springframework.context.ApplicationEventPublisher publisher,
      TeamsProperties teams) {
    this.jobs = jobs;
    this.lifecycle = lifecycle;
    this.events = events;
    this.pools = pools;
    this.idempotencyKeys = idempotencyKeys;
    this.cursors = cursors;
    this.json = json;
    this.clock = clock;
    this.publisher = publisher;
    this.teams = teams;
  }

  /** The outcome of a submission: the job, and whether it was created by an earlier request. */
  public record Submission(Job job, boolean replayed) {}

  /**
   * Validates a submitted spec and queues it, once per caller and idempotency key.
   *
   * @throws InvalidJobSpecException when the body is not a valid spec (400)
   * @throws io.baton.orchestrator.security.ForbiddenException when the caller may not submit to the
   *     spec's team (403)
   * @throws JobSpecRejectedException when the spec cannot run on this fleet, or asks for a priority
   *     above the team's ceiling (422)
   */
  @Transactional
  public Submission submit(Caller caller, JsonNode body, Optional<String> idempotencyKey) {
    idempotencyKey.ifPresent(IdempotencyKeys::validKey);
    JobSpec spec = parse(body);
    caller.mustBeAllowedIn(Action.SUBMIT_JOB, spec.team());
    int ceiling = teams.priorityCeiling(spec.team());
    if (!caller.isAdmin() && spec.priority() > ceiling) {
      throw new JobSpecRejectedException(
          List.of(
              new FieldViolation(
                  "priority",
                  spec.priority()
                      + " is above the ceiling of team '"
                      + spec.team()
                      + "' ("
                      + ceiling
                      + ")")));
    }
    UUID id = UUID.randomUUID();
    if (idempotencyKey.isPresent()) {
      Optional<UUID> earlier =
          idempotencyKeys.claim(
              SUBMIT_SCOPE + "|" + caller.actor(), idempotencyKey.get(), body, id, clock.instant());
      if (earlier.isPresent()) {
        return new Submission(get(earlier.get()), true);
      }
    }
    Job job = lifecycle.submit(id, spec, caller.actor());
    publisher.publishEvent(new JobSubmitted(job.id()));
    return new Submission(job, false);
  }

  public Job get(UUID id) {
    return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  /**
   * A job the caller may see.
   *
   * @throws JobNotFoundException when there is no such job, or the caller may not see it
   */
  public Job get(Caller caller, UUID id) {
    Job job = get(id);
    caller.mustSee(job.spec().team(), () -> new JobNotFoundException(id));
    return job;
  }

  /** Whether the API hides every env value of the team's jobs, not only the secret ones. */
  public boolean redactsAllEnv(String team) {
    return teams.redactAllEnv(team);
  }

  /** The jobs {@code caller} may see, filtered by {@code query}. */
  public Page<Job> list(Caller caller, JobQuery query, int limit, String cursor) {
    return list(
        new JobQuery(query.state(), query.team(), query.pool(), caller.visibleTeams()),
        limit,
        cursor);
  }

  public Page<Job> list(JobQuery query, int limit, String cursor) {
    Optional<JobQuery.Position> after =
        Optional.ofNullable(cursor)
            .map(c -> cursors.decode(query.scope(), c, 2))
            .map(p -> new JobQuery.Position(parseInstant(p.get(0)), UUID.fromString(p.get(1))));
    List<Job> page = jobs.page(query, after, limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Job> items = page.subList(0, limit);
    Job last = items.get(limit - 1);
    String next =
        cursors.encode(query.scope(), List.of(last.createdAt().toString(), last.id().toString()));
    return new Page<>(List.copyOf(items), next);
  }

  /**
   * Asks a job to stop. Idempotent: a job already cancelling or cancelled is returned as it is. A
   * job that never launched is cancelled at once.
   *
   * @throws IllegalJobStateChange when the job already SUCCEEDED or FAILED (409)
   */
  @Transactional
  public Job cancel(Caller caller, UUID id) {
    Job job = get(id);
    caller.mustBeAllowed(Action.CANCEL_JOB, job.spec().team(), () -> new JobNotFoundException(id));
    String actor = caller.actor();
    if (job.state() == JobState.CANCELLING || job.state() == JobState.CANCELLED) {
      return job;
    }
    Job cancelling =
        lifecycle.transition(id, job.version(), JobState.CANCELLING, "cancel requested", actor);
    if (job.state() == JobState.QUEUED) {
      return lifecycle.transition(
          id, cancelling.version(), JobState.CANCELLED, "cancelled before launch", actor);
    }
    return cancelling;
  }

  /** The job's progress series in step order (bounded: old points are thinned). */
  public List<ProgressPoint> progress(Caller caller, UUID jobId) {
    get(caller, jobId);
    return jobs.progress(jobId);
  }

  /**
   * Whether a STARTING or RUNNING job's current attempt still makes steps, and its hang timeout;
   * empty in other states. The runner acts on it, the job resource shows it.
   */
  public Optional<Liveness> liveness(Job job) {
    if (job.state() != JobState.STARTING && job.state() != JobState.RUNNING) {
      return Optional.empty();
    }
    Optional<Pool> pool = pools.find(job.spec().pool());
    return Optional.of(
        Liveness.of(
            job.updatedAt(),
            job.spec().hangTimeoutDuration(),
            pool.map(Pool::hangTimeoutFloor).orElse(Pool.DEFAULT_HANG_TIMEOUT_FLOOR),
            pool.map(Pool::startupTimeout).orElse(Pool.DEFAULT_STARTUP_TIMEOUT),
            jobs.recentSteps(job.id(), job.attempt(), Liveness.WINDOW + 1),
            jobs.lastSteps(job.id(), job.attempt())));
  }

  public Page<Event> events(Caller caller, UUID jobId, int limit, String cursor) {
    get(caller, jobId);
    String scope = "job-events|" + jobId;
    long after = cursor == null ? 0 : parseLong(cursors.decode(scope, cursor, 1).get(0));
    List<Event> page = events.forJob(jobId, after, limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Event> items = List.copyOf(page.subList(0, limit));
    return new Page<>(
        items, cursors.encode(scope, List.of(Long.toString(items.get(limit - 1).id()))));
  }

  private JobSpec parse(JsonNode body) {
    if (body.isObject()) {
      TreeSet<String> owned = new TreeSet<>();
      body.propertyNames()
          .forEach(
              n -> {
                if (JobSpecChecks.SERVER_OWNED.contains(n)) {
                  owned.add(n);
                }
              });
      if (!owned.isEmpty()) {
        throw InvalidJobSpecException.serverOwned(
            owned.stream()
                .map(f -> new FieldViolation(f, "is set by the server and cannot be submitted"))
                .toList());
      }
    }
    List<FieldViolation> malformed = new ArrayList<>();
    BatonSchemas.validate(BatonSchemas.JOB_SPEC, body)
        .forEach(v -> malformed.add(new FieldViolation(v.field(), v.message())));
    if (!malformed.isEmpty()) {
      throw InvalidJobSpecException.malformed(malformed);
    }
    JobSpec spec = json.treeToValue(body, JobSpec.class);
    List<FieldViolation> unrunnable = JobSpecChecks.check(spec, pools.all());
    if (!unrunnable.isEmpty()) {
      throw new JobSpecRejectedException(unrunnable);
    }
    return spec;
  }

  private static Instant parseInstant(String value) {
    return Instant.parse(value);
  }

  private static long parseLong(String value) {
    return Long.parseLong(value);
  }
}
