package io.baton.orchestrator.auth;

import io.baton.orchestrator.web.ProblemResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 as problem documents ({@code unauthorized}, {@code forbidden}); every failed
 * authentication counted in {@code baton_auth_failures_total{reason}} and logged without the token.
 */
final class ProblemAuthenticationHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemAuthenticationHandlers.class);

  private final ProblemResponses problems;
  private final MeterRegistry meters;
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  ProblemAuthenticationHandlers(ProblemResponses problems, MeterRegistry meters) {
    this.problems = problems;
    this.meters = meters;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String reason = reason(request, e);
    failures
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("baton.auth.failures")
                    .description("Requests refused for missing or unacceptable credentials")
                    .tag("reason", r)
                    .register(meters))
        .increment();
    if (!reason.equals("missing")) {
      log.info(
          "Authentication failed ({}) for {} {} from {}",
          reason,
          request.getMethod(),
          request.getRequestURI(),
          request.getRemoteAddr());
    }
    response.setHeader("WWW-Authenticate", "Bearer realm=\"baton\"");
    problems.write(
        response,
        401,
        "unauthorized",
        "Unauthorized",
        reason.equals("missing")
            ? "Send Authorization: Bearer <token> (an API token, the admin token or an OIDC token)."
            : e.getMessage(),
        request.getRequestURI());
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    Authentication who = SecurityContextHolder.getContext().getAuthentication();
    boolean node =
        who != null
            && who.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals(CallerAuthentication.NODE));
    problems.write(
        response,
        403,
        "forbidden",
        "Forbidden",
        node
            ? "A node token may only send agent reports."
            : "This route needs the platform role admin.",
        request.getRequestURI());
  }

  private static String reason(HttpServletRequest request, AuthenticationException e) {
    if (e instanceof AuthFailure failure) {
      return failure.reason();
    }
    if (e instanceof InvalidBearerTokenException) {
      String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("expired")) {
        return "expired";
      }
      if (message.contains("iss claim")) {
        return "wrong-issuer";
      }
      if (message.contains("aud claim")) {
        return "wrong-audience";
      }
      if (message.contains("signature") || message.contains("signed")) {
        return "bad-signature";
      }
      return "invalid-token";
    }
    String header = request.getHeader("Authorization");
    return header == null || header.isBlank() ? "missing" : "malformed";
  }
}
