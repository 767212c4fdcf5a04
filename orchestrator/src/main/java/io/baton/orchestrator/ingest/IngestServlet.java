package io.baton.orchestrator.ingest;

import io.baton.orchestrator.problems.ProblemException;
import io.baton.orchestrator.security.BearerTokens;
import io.baton.orchestrator.security.ForbiddenException;
import io.baton.orchestrator.security.NodeTokens;
import io.baton.orchestrator.web.ProblemResponses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import tools.jackson.core.JacksonException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
 *
 * <p>A token reports for its own node only (403 otherwise: nothing of such a report is stored). Job
 * data its node may not write (a job not placed there, a checkpoint outside the job's directory) is
 * dropped from the report and counted, and the rest is stored and acknowledged: an agent drops a
 * report refused with a 4xx, so refusing the whole report would cost its chips' heartbeat.
 */
class IngestServlet extends HttpServlet {

  static final String PATH = "/api/v1/agents/reports";

  private static final byte[] ACK_HEAD = "{\"node\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

  private final transient NodeTokens tokens;
  private final transient ReportBatcher batcher;
  private final transient IngestProperties properties;
  private final transient JsonMapper json;
  private final transient ProblemResponses problems;
  private final transient MeterRegistry meters;
  private final transient IngestRefusals refusals;
  private final transient Map<String, Timer> timers = new ConcurrentHashMap<>();

  IngestServlet(
      NodeTokens tokens,
      ReportBatcher batcher,
      IngestProperties properties,
      JsonMapper json,
      MeterRegistry meters,
      IngestRefusals refusals) {
    this.tokens = tokens;
    this.batcher = batcher;
    this.properties = properties;
    this.json = json;
    this.problems = new ProblemResponses(json);
    this.meters = meters;
    this.refusals = refusals;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    long started = System.nanoTime();
    if (!receive(request, response, started)) {
      timed(request.getMethod(), response.getStatus(), started);
    }
  }

  /**
   * Answers the request, or parks it until its report is committed.
   *
   * @return whether the request was parked (and is timed when it is answered)
   */
  private boolean receive(HttpServletRequest request, HttpServletResponse response, long started)
      throws IOException {
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
      return false;
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
      return false;
    }
    AgentReport report;
    try {
      String node =
          tokens.authenticate(BearerTokens.fromHeader(request.getHeader("Authorization")));
      report = read(request, response, instance);
      if (report == null) {
        return false;
      }
      if (!report.node().equals(node)) {
        refusals.count(ReportedLines.Refusal.OTHER_NODE, "report");
        throw new ForbiddenException(
            "This token belongs to node "
                + node
                + "; it cannot report for node "
                + report.node()
                + ".");
      }
    } catch (ProblemException e) {
      problems.write(response, e, instance);
      return false;
    } catch (RuntimeException e) {
      problems.unexpected(response, e, instance);
      return false;
    }
    CompletableFuture<Boolean> result;
    try {
      result = batcher.submit(report);
    } catch (ProblemException e) {
      problems.write(response, e, instance);
      return false;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(properties.responseTimeout().toMillis() + 5_000);
    AgentReport submitted = report;
    result
        .orTimeout(properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (applied, error) ->
                answer(
                    async,
                    response,
                    () -> {
                      if (error == null) {
                        acknowledge(response, submitted, applied);
                      } else {
                        failed(response, unwrap(error), instance);
                      }
                    },
                    started));
    return true;
  }

  /**
   * The report in the body: a heartbeat through {@link HeartbeatReader}, anything else through the
   * schema; null when the body could not be read (and the problem is written).
   */
  private AgentReport read(
      HttpServletRequest request, HttpServletResponse response, String instance)
      throws IOException {
    byte[] body;
    JsonNode tree;
    try {
      body = request.getInputStream().readAllBytes();
      AgentReport heartbeat = HeartbeatReader.tryRead(json, body);
      if (heartbeat != null) {
        return heartbeat;
      }
      tree = json.readTree(body);
    } catch (JacksonException | IOException e) {
      problems.unreadable(response, e, instance);
      return null;
    }
    if (tree == null || tree.isMissingNode()) {
      problems.unreadable(response, null, instance);
      return null;
    }
    return ReportParser.parse(tree);
  }

  private void acknowledge(HttpServletResponse response, AgentReport report, boolean applied)
      throws IOException {
    // {"node":…,"bootId":…,"seq":…,"applied":…}, written out: the answer to every report.
    byte[] node = QUOTE.quoteAsUTF8(report.node());
    byte[] rest =
        ("\",\"bootId\":\""
                + report.bootId()
                + "\",\"seq\":"
                + report.seq()
                + ",\"applied\":"
                + applied
                + "}")
            .getBytes(StandardCharsets.US_ASCII);
    response.setStatus(200);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(ACK_HEAD.length + node.length + rest.length);
    ServletOutputStream out = response.getOutputStream();
    out.write(ACK_HEAD);
    out.write(node);
    out.write(rest);
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

  private void answer(
      AsyncContext async, HttpServletResponse response, Answer answer, long started) {
    try {
      answer.write();
    } catch (IOException | RuntimeException gone) {
      // The agent hung up; it retries with the same (bootId, seq).
    } finally {
      async.complete();
      timed("POST", response.getStatus(), started);
    }
  }

  /**
   * Counts the request in {@code http.server.requests} under this path, as the request observation
   * would (which this path skips: it costs more than the rest of a heartbeat's handling in Java).
   */
  private void timed(String method, int status, long started) {
    timers
        .computeIfAbsent(method + ' ' + status, key -> timer(method, status))
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String method, int status) {
    return Timer.builder("http.server.requests")
        .tag("method", method)
        .tag("uri", PATH)
        .tag("status", Integer.toString(status))
        .tag("outcome", Outcome.forStatus(status).name())
        .tag("exception", "none")
        .tag("error", "none")
        .register(meters);
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
        NodeTokens tokens,
        ReportBatcher batcher,
        IngestProperties properties,
        JsonMapper json,
        MeterRegistry meters,
        IngestRefusals refusals) {
      ServletRegistrationBean<IngestServlet> registration =
          new ServletRegistrationBean<>(
              new IngestServlet(tokens, batcher, properties, json, meters, refusals), PATH);
      registration.setName("baton-ingest");
      registration.setAsyncSupported(true);
      registration.setLoadOnStartup(1);
      return registration;
    }

    /** The servlet times its requests itself; the request observation leaves them out. */
    @Bean
    ObservationPredicate ingestRequestsTimedByTheirServlet() {
      return (name, context) ->
          !(context instanceof ServerRequestObservationContext request
              && PATH.equals(request.getCarrier().getRequestURI()));
    }
  }
}
