package io.baton.orchestrator.cluster;

import io.baton.orchestrator.persistence.ClaimProperties;
import io.baton.orchestrator.persistence.Instance;
import io.baton.orchestrator.persistence.RowClaims;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slow work out of the loops: a loop asks for the result of a task ({@link #poll}); the first ask
 * records the task (kind, subject, RUNNING) and hands it to a bounded executor, and a later pass
 * reads its result. The row is claimed while the work runs (see {@link RowClaims}), so a task whose
 * orchestrator died — or whose attempt failed — is started again by the next ask, and one job's
 * slow hashing never holds the loop that decides every other job.
 */
@Component
class Tasks implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Tasks.class);

  private final TaskRepository repository;
  private final RowClaims claims;
  private final Instance instance;
  private final ClaimProperties claimProperties;
  private final TaskProperties properties;
  private final JsonMapper json;
  private final Clock clock;
  private final Set<UUID> running = ConcurrentHashMap.newKeySet();
  private volatile ThreadPoolExecutor executor;

  Tasks(
      TaskRepository repository,
      RowClaims claims,
      Instance instance,
      ClaimProperties claimProperties,
      TaskProperties properties,
      JsonMapper json,
      Clock clock) {
    this.repository = repository;
    this.claims = claims;
    this.instance = instance;
    this.claimProperties = claimProperties;
    this.properties = properties;
    this.json = json;
    this.clock = clock;
  }

  /**
   * How a task ended.
   *
   * @param result what the work returned; null when it failed
   * @param error why it failed, after its last attempt; null when it succeeded
   */
  public record Outcome<T>(T result, String error) {
    public boolean succeeded() {
      return error == null;
    }
  }

  /**
   * The outcome of task ({@code kind}, {@code subject}); empty while it runs. The first call starts
   * {@code work} on the executor; so does a call that finds the task's orchestrator gone or its
   * last attempt failed (up to {@code baton.tasks.max-attempts}). Never waits for the work.
   */
  public <T> Optional<Outcome<T>> poll(
      String kind, String subject, Class<T> type, Supplier<T> work) {
    Optional<TaskRepository.Row> found = repository.find(kind, subject);
    if (found.isEmpty()) {
      UUID id = UUID.randomUUID();
      java.time.Instant now = clock.instant();
      if (repository.insert(
          id, kind, subject, instance.id(), now.plus(claimProperties.timeout()), now)) {
        claims.tryClaim("tasks", id).ifPresent(held -> submit(id, 1, kind, subject, work, held));
      }
      return Optional.empty();
    }
    TaskRepository.Row task = found.get();
    switch (task.state()) {
      case SUCCEEDED:
        return Optional.of(new Outcome<>(json.readValue(task.result(), type), null));
      case FAILED:
        if (task.attempts() >= properties.maxAttempts()) {
          return Optional.of(new Outcome<>(null, task.error()));
        }
        restart(task, work);
        return Optional.empty();
      default:
        if (!running.contains(task.id())) {
          // Started by an orchestrator that is gone (its claim ran out), or refused by a full
          // queue.
          restart(task, work);
        }
        return Optional.empty();
    }
  }

  /** Forgets a task whose outcome was used (in the caller's transaction, if any). */
  public void forget(String kind, String subject) {
    repository.delete(kind, subject);
  }

  /** Whether this orchestrator is running the task now (tests and diagnostics). */
  public boolean runningHere(String kind, String subject) {
    return repository.find(kind, subject).map(t -> running.contains(t.id())).orElse(false);
  }

  private <T> void restart(TaskRepository.Row task, Supplier<T> work) {
    Optional<RowClaims.Held> claim = claims.tryClaim("tasks", task.id());
    if (claim.isEmpty()) {
      return;
    }
    if (!repository.restart(task.id(), task.attempts(), clock.instant())) {
      claim.get().close();
      return;
    }
    log.info(
        "Task {} {} started again (attempt {})", task.kind(), task.subject(), task.attempts() + 1);
    submit(task.id(), task.attempts() + 1, task.kind(), task.subject(), work, claim.get());
  }

  private <T> void submit(
      UUID id, int attempt, String kind, String subject, Supplier<T> work, RowClaims.Held held) {
    ThreadPoolExecutor pool = executor;
    if (pool == null || !running.add(id)) {
      held.close();
      return;
    }
    try {
      pool.execute(() -> run(id, attempt, kind, subject, work, held));
    } catch (RejectedExecutionException e) {
      running.remove(id);
      held.close();
      log.debug("Task {} {} waits: the task queue is full", kind, subject);
    }
  }

  private <T> void run(
      UUID id, int attempt, String kind, String subject, Supplier<T> work, RowClaims.Held held) {
    try (held) {
      T result = work.get();
      repository.finish(
          id, attempt, TaskState.SUCCEEDED, json.writeValueAsString(result), null, clock.instant());
    } catch (RuntimeException e) {
      log.warn("Task {} {} failed (attempt {}): {}", kind, subject, attempt, e.toString());
      repository.finish(id, attempt, TaskState.FAILED, null, e.toString(), clock.instant());
    } finally {
      running.remove(id);
    }
  }

  @Override
  public void start() {
    executor =
        new ThreadPoolExecutor(
            properties.threads(),
            properties.threads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(properties.queue()),
            r -> {
              Thread thread = new Thread(r, "baton-tasks");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void stop() {
    ThreadPoolExecutor pool = executor;
    executor = null;
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return executor != null;
  }
}
