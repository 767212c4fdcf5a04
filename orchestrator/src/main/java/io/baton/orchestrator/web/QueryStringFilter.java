package io.baton.orchestrator.web;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a malformed query string (see {@link QueryStrings}) with 400 {@code invalid-parameter}
 * before anything reads a parameter: Tomcat would throw on it mid-handler, and a NUL would reach
 * PostgreSQL. A request without a query string (every agent report) passes at the cost of a null
 * check.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class QueryStringFilter extends OncePerRequestFilter {

  private final ProblemResponses problems;

  QueryStringFilter(JsonMapper json) {
    this.problems = new ProblemResponses(json);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<FieldViolation> violation = QueryStrings.check(request.getQueryString());
    if (violation.isPresent()) {
      FieldViolation v = violation.get();
      problems.write(
          response,
          new BadRequestException(
              "invalid-parameter",
              "Invalid parameter",
              v.field() + ": " + v.message() + ".",
              List.of(v)),
          request.getRequestURI());
      return;
    }
    chain.doFilter(request, response);
  }
}
