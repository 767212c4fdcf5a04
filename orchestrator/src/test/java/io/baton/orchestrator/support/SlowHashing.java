package io.baton.orchestrator.support;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.local.LocalBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The local backend, except that hashing a file a test holds blocks until the test lets it go: a
 * checkpoint that takes as long to hash as the test wants (a recovery's resume point, a promotion's
 * verification). Everything else goes to the real backend.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SlowHashing {

  /** Files held: hashing one whose path ends with a held name waits for its latch. */
  public static final class Gate {
    private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
    private final Set<String> entered = ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> waiting =
        new ConcurrentHashMap<>();

    /** Holds hashing of files whose path ends with {@code name}; count down to let it go. */
    public CountDownLatch hold(String name) {
      return held.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    /** Whether hashing of a file ending with {@code name} has begun (and waits, while held). */
    public boolean entered(String name) {
      return entered.contains(name);
    }

    /** How many hashings of files ending with {@code name} wait now. */
    public int waiting(String name) {
      return waiting.getOrDefault(name, new java.util.concurrent.atomic.AtomicInteger()).get();
    }

    void pass(String file) {
      for (Map.Entry<String, CountDownLatch> e : held.entrySet()) {
        if (file.endsWith(e.getKey())) {
          entered.add(e.getKey());
          var count =
              waiting.computeIfAbsent(
                  e.getKey(), k -> new java.util.concurrent.atomic.AtomicInteger());
          count.incrementAndGet();
          try {
            if (!e.getValue().await(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS)) {
              throw new IllegalStateException("the test never let hashing " + file + " go");
            }
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing " + file);
          } finally {
            count.decrementAndGet();
          }
        }
      }
    }
  }

  @Bean
  Gate hashingGate() {
    return new Gate();
  }

  @Bean
  @Primary
  ClusterBackend slowHashingBackend(LocalBackend local, Gate gate) {
    return (ClusterBackend)
        Proxy.newProxyInstance(
            ClusterBackend.class.getClassLoader(),
            new Class<?>[] {ClusterBackend.class},
            (proxy, method, args) -> {
              if (method.getName().equals("digest") && args != null && args.length == 1) {
                gate.pass(String.valueOf(args[0]));
              }
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "equals" -> proxy == args[0];
                  case "hashCode" -> System.identityHashCode(proxy);
                  default -> "SlowHashing(" + local + ")";
                };
              }
              try {
                return method.invoke(local, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
