package io.baton.orchestrator.ingest;

import io.baton.orchestrator.problems.ProblemException;
import io.baton.orchestrator.security.BearerTokens;
import io.baton.orchestrator.security.ForbiddenException;
import io.baton.orchestrator.security.NodeTokens;
import io.baton.orchestrator.web.ProblemResponses;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/agents/reports}: a node agent's report, authenticated by the node's bearer
 * token. A report is applied once per (bootId, seq); a retry of an applied one is acknowledged and
 * ignored ({@code applied: false}).
 *
 * <p>The hottest path of the API — every node, every few seconds — so it is a servlet of its own
 * rather than an MVC handler: one pass through the filters (body limit, metrics), the JSON read
 * once into a tree, schema-validated, and the request parked (Servlet async) until the writer
 * commits its batch, then answered from the committing thread without a second dispatch. Errors are
 * the same problem documents as everywhere else.
 */
public class IngestServlet extends HttpServlet {

  static final String PATH = "/api/v1/agents/reports";

  private final transient NodeTokens tokens;
  private final transient ReportBatcher batcher;
  private final transient IngestProperties properties;
  private final transient JsonMapper json;
  private final transient ProblemResponses problems;

  IngestServlet(
      NodeTokens tokens, ReportBatcher batcher, IngestProperties properties, JsonMapper json) {
    this.tokens = tokens;
    this.batcher = batcher;
    this.properties = properties;
    this.json = json;
    this.problems = new ProblemResponses(json);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ServerHttpObservationFilter.findObservationContext(request)
        .ifPresent(context -> context.setPathPattern(PATH));
    String instance = request.getRequestURI();
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      problems.write(
          response,
          405,
          "method-not-allowed",
          "Method not allowed",
          "Method '" + request.getMethod() + "' is not supported here; use POST.",
          instance);
      return;
    }
    if (!isJson(request.getContentType())) {
      response.setHeader("Accept", MediaType.APPLICATION_JSON_VALUE);
      problems.write(
          response,
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "Content-Type '"
              + (request.getContentType() == null ? "" : request.getContentType())
              + "' is not supported; send application/json.",
          instance);
      return;
    }
    AgentReport report;
    try {
      String node =
          tokens.authenticate(BearerTokens.fromHeader(request.getHeader("Authorization")));
      JsonNode body;
      try {
        body = json.readTree(request.getInputStream());
      } catch (JacksonException | IOException e) {
        problems.unreadable(response, e, instance);
        return;
      }
      if (body == null || body.isMissingNode()) {
        problems.unreadable(response, null, instance);
        return;
      }
      report = ReportParser.parse(body);
      if (!report.node().equals(node)) {
        throw new ForbiddenException(
            "This token belongs to node "
                + node
                + "; it cannot report for node "
                + report.node()
                + ".");
      }
    } catch (ProblemException e) {
      problems.write(response, e, instance);
      return;
    } catch (RuntimeException e) {
      problems.unexpected(response, e, instance);
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(properties.responseTimeout().toMillis() + 5_000);
    AgentReport submitted = report;
    java.util.concurrent.CompletableFuture<Boolean> result;
    try {
      result = batcher.submit(report);
    } catch (ProblemException e) {
      answer(async, () -> problems.write(response, e, instance));
      return;
    }
    result
        .orTimeout(properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (applied, error) ->
                answer(
                    async,
                    () -> {
                      if (error == null) {
                        acknowledge(response, submitted, applied);
                      } else {
                        failed(response, unwrap(error), instance);
                      }
                    }));
  }

  private void acknowledge(HttpServletResponse response, AgentReport report, boolean applied)
      throws IOException {
    ObjectNode ack = json.createObjectNode();
    ack.put("node", report.node());
    ack.put("bootId", report.bootId().toString());
    ack.put("seq", report.seq());
    ack.put("applied", applied);
    byte[] bytes = json.writeValueAsBytes(ack);
    response.setStatus(200);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  private void failed(HttpServletResponse response, Throwable error, String instance)
      throws IOException {
    if (error instanceof ProblemException problem) {
      problems.write(response, problem, instance);
    } else if (error instanceof TimeoutException) {
      problems.write(
          response,
          503,
          "overloaded",
          "Overloaded",
          "The server is busy; retry after a pause.",
          instance);
    } else {
      problems.unexpected(response, error, instance);
    }
  }

  private interface Answer {
    void write() throws IOException;
  }

  private static void answer(AsyncContext async, Answer answer) {
    try {
      answer.write();
    } catch (IOException | RuntimeException gone) {
      // The agent hung up; it retries with the same (bootId, seq).
    } finally {
      async.complete();
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return type.isCompatibleWith(MediaType.APPLICATION_JSON)
          && !type.isWildcardType()
          && !type.isWildcardSubtype();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Serves the path ahead of the dispatcher servlet, with async support. */
  @Configuration(proxyBeanMethods = false)
  static class Registration {

    @Bean
    ServletRegistrationBean<IngestServlet> ingestServlet(
        NodeTokens tokens, ReportBatcher batcher, IngestProperties properties, JsonMapper json) {
      ServletRegistrationBean<IngestServlet> registration =
          new ServletRegistrationBean<>(new IngestServlet(tokens, batcher, properties, json), PATH);
      registration.setName("baton-ingest");
      registration.setAsyncSupported(true);
      registration.setLoadOnStartup(1);
      return registration;
    }
  }
}
