package io.baton.orchestrator.leadership;

import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The fence of the owned loop running on this thread. A loop that runs only on the leader binds it
 * for a pass (and for the drivers the pass starts); the mutators that guard their writes ({@code
 * JobRepository}, {@code PromotionRepository}) read it here and add {@link Fence#CONDITION}. Bound
 * to the thread rather than passed along so the owned loops' code between the two needs no change
 * (like a transaction bound to its thread); a write made outside an owned loop (an API request, a
 * test calling a pass directly) carries no fence.
 */
public final class Fences {

  private static final ThreadLocal<Fence> CURRENT = new ThreadLocal<>();

  private Fences() {}

  /** The fence bound to this thread, if it runs an owned loop. */
  public static Optional<Fence> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * {@code " AND " + }{@link Fence#CONDITION} when a fence is bound to this thread, else nothing:
   * appended to a statement's {@code WHERE}, bound with {@link #bind}.
   */
  public static String and() {
    return current().isPresent() ? " AND " + Fence.CONDITION : "";
  }

  /** Binds the parameters {@link #and} added, if it added any. */
  public static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
    Fence fence = CURRENT.get();
    return fence == null ? statement : fence.bind(statement);
  }

  /**
   * After a guarded statement changed nothing: throws {@link LeaseLost} when the bound fence is why
   * (this replica no longer leads), so the caller does not take it for "nothing to change".
   */
  public static void verify(JdbcClient jdbc) {
    Fence fence = CURRENT.get();
    if (fence != null) {
      fence.verify(jdbc);
    }
  }

  /** Runs {@code work} with {@code fence} bound (none when null), restoring what was bound. */
  public static void under(Fence fence, Runnable work) {
    under(
        fence,
        () -> {
          work.run();
          return null;
        });
  }

  /** Runs {@code work} with {@code fence} bound (none when null), restoring what was bound. */
  public static <T> T under(Fence fence, Supplier<T> work) {
    Fence before = CURRENT.get();
    if (fence == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(fence);
    }
    try {
      return work.get();
    } finally {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    }
  }
}
