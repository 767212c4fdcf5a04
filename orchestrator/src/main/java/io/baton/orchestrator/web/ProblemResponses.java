package io.baton.orchestrator.web;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Problem documents written straight to a servlet response, for the few hot paths served outside
 * Spring MVC; the same members and headers as {@link ApiExceptionHandler} writes.
 */
public final class ProblemResponses {

  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

  private final JsonMapper json;

  public ProblemResponses(JsonMapper json) {
    this.json = json;
  }

  /** A feature's problem, with its errors and extra members. */
  public void write(HttpServletResponse response, ProblemException e, String instance)
      throws IOException {
    ObjectNode body = body(e.status(), e.type(), e.title(), e.getMessage(), instance);
    if (!e.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (FieldViolation v : e.errors()) {
        errors.addObject().put("field", v.field()).put("message", v.message());
      }
    }
    e.properties().forEach((name, value) -> body.set(name, json.valueToTree(value)));
    if (e.status() == 401) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"baton\"");
    }
    e.headers().forEach(response::setHeader);
    send(response, e.status(), body);
  }

  /** A problem of a given slug. */
  public void write(
      HttpServletResponse response,
      int status,
      String type,
      String title,
      String detail,
      String instance)
      throws IOException {
    send(response, status, body(status, type, title, detail, instance));
  }

  /** A body that is not JSON, or too large while it was read. */
  public void unreadable(HttpServletResponse response, Throwable e, String instance)
      throws IOException {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PayloadTooLargeException) {
        response.setHeader("Connection", "close");
        write(
            response,
            413,
            "payload-too-large",
            "Payload too large",
            "Request body exceeds the limit of the API.",
            instance);
        return;
      }
    }
    write(response, 400, "malformed-json", "Malformed JSON", describe(e), instance);
  }

  /** A fault of the server: logged with a reference the client sees. */
  public void unexpected(HttpServletResponse response, Throwable e, String instance)
      throws IOException {
    if (DatabaseUnavailable.is(e)) {
      log.warn("Database unavailable: {}", e.toString());
      response.setHeader("Retry-After", Integer.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS));
      write(
          response,
          503,
          DatabaseUnavailable.TYPE,
          DatabaseUnavailable.TITLE,
          DatabaseUnavailable.DETAIL,
          instance);
      return;
    }
    String reference = UUID.randomUUID().toString();
    log.error("Unexpected error, reference {}", reference, e);
    ObjectNode body =
        body(
            500,
            "internal-error",
            "Internal error",
            "The server failed to handle the request; reference " + reference + ".",
            instance);
    body.put("reference", reference);
    send(response, 500, body);
  }

  private ObjectNode body(int status, String type, String title, String detail, String instance) {
    ObjectNode body = json.createObjectNode();
    body.put("type", Problems.TYPE_BASE + type);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    body.put("instance", instance);
    return body;
  }

  private void send(HttpServletResponse response, int status, ObjectNode body) throws IOException {
    if (status == 503) {
      response.setHeader("Retry-After", "1");
    }
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    byte[] bytes = json.writeValueAsBytes(body);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** Jackson's own words and where, without class names or the echoed source. */
  static String describe(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof Utf8Bodies.NotUtf8Exception notUtf8) {
        return notUtf8.getMessage();
      }
    }
    if (cause instanceof JacksonException jackson) {
      TokenStreamLocation at = jackson.getLocation();
      String where =
          at == null || at.getLineNr() < 0
              ? ""
              : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      return "The request body is not valid JSON: " + jackson.getOriginalMessage() + where + ".";
    }
    return "The request body is missing or is not valid JSON.";
  }
}
