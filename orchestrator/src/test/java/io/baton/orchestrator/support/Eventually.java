package io.baton.orchestrator.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Awaitility, read the way the tests read: poll {@code read} (at once, then every {@code interval})
 * until its value meets {@code condition}, and return that value; on timeout fail with what {@code
 * whyNot} says of the last value read (the job, the process's log), computed only then.
 */
public final class Eventually {

  private Eventually() {}

  public static <T> T value(
      Callable<T> read,
      Predicate<? super T> condition,
      Duration timeout,
      Duration interval,
      Function<? super T, String> whyNot) {
    AtomicReference<T> last = new AtomicReference<>();
    try {
      return await()
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(interval)
          .until(
              () -> {
                T value = read.call();
                last.set(value);
                return value;
              },
              condition::test);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(whyNot.apply(last.get()), e);
    }
  }
}
