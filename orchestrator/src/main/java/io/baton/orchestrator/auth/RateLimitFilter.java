package io.baton.orchestrator.auth;

import io.baton.orchestrator.security.SecurityProperties;
import io.baton.orchestrator.web.ProblemResponses;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Token buckets (Bucket4j) per identity, one for reads and one for writes: a caller over its rate
 * gets 429 {@code rate-limited} with {@code Retry-After}, and the request does nothing. The key is
 * the authenticated identity, or the remote address before authentication. Health probes and API
 * docs are not limited.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  /** Buckets kept at most; past that the map starts again (a full bucket costs nothing). */
  private static final int MAX_IDENTITIES = 100_000;

  private final SecurityProperties.RateLimits limits;
  private final ProblemResponses problems;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimitFilter(SecurityProperties.RateLimits limits, ProblemResponses problems) {
    this.limits = limits;
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !limits.enabled()
        || path.startsWith("/actuator/health")
        || path.startsWith("/v3/api-docs")
        || path.startsWith("/swagger-ui");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean read = isRead(request.getMethod());
    String key = (read ? "r|" : "w|") + identity(request);
    if (buckets.size() > MAX_IDENTITIES) {
      buckets.clear();
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> newBucket(read));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      chain.doFilter(request, response);
      return;
    }
    long seconds =
        Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999));
    response.setHeader("Retry-After", Long.toString(seconds));
    problems.write(
        response,
        429,
        "rate-limited",
        "Too many requests",
        "More than "
            + (read ? limits.readsPerSecond() + " reads" : limits.writesPerSecond() + " writes")
            + " per second from this identity; retry after "
            + seconds
            + " s.",
        request.getRequestURI());
  }

  private Bucket newBucket(boolean read) {
    int rate = read ? limits.readsPerSecond() : limits.writesPerSecond();
    int burst = read ? limits.readBurst() : limits.writeBurst();
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder().capacity(burst).refillGreedy(rate, Duration.ofSeconds(1)).build())
        .build();
  }

  private static boolean isRead(String method) {
    return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
  }

  private static String identity(HttpServletRequest request) {
    Authentication who = SecurityContextHolder.getContext().getAuthentication();
    if (who instanceof CallerAuthentication) {
      return who.getName();
    }
    return "addr:" + request.getRemoteAddr();
  }
}
