package io.baton.orchestrator.web;

import jakarta.servlet.RequestDispatcher;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Tomcat's error report, as a problem document: what Tomcat answers by itself before a request
 * reaches Spring (an invalid request line or header, bad percent-encoding or a NUL in the path, a
 * request head over {@code server.max-http-request-header-size}) gets the same {@code
 * application/problem+json} as every other error instead of Tomcat's HTML page.
 *
 * <p>A request head that is too large is answered {@code 431}; Tomcat says 400 for it.
 */
public class ProblemReportValve extends ErrorReportValve {

  private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
  private static final Pattern BRACKETED = Pattern.compile("\\s*\\[[^\\]]*]");

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(true);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    if (throwable == null
        && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t) {
      throwable = t;
    }
    Problem problem = problem(status, throwable, response.getMessage());
    try {
      response.setStatus(problem.status());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(problem.json());
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response was taken over; nothing more to say.
    }
  }

  /** The problem Tomcat's status and cause amount to. */
  static Problem problem(int status, Throwable cause, String message) {
    String reason = reason(cause, message);
    if (status == 400 && reason.toLowerCase().contains("too large")) {
      return new Problem(
          431,
          "request-header-too-large",
          "Request header fields too large",
          "The request line and headers exceed the server's limit"
              + " (server.max-http-request-header-size).");
    }
    if (status == 400) {
      return new Problem(
          400,
          "malformed-request",
          "Malformed request",
          "The request is not valid HTTP"
              + (reason.isEmpty() ? "" : ": " + reason)
              + ". Check the request line (method, percent-encoding, characters of the path and"
              + " query) and the header names and values.");
    }
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "Error" : known.getReasonPhrase();
    String detail =
        status >= 500
            ? "The server failed to handle the request."
            : title + (reason.isEmpty() ? "" : ": " + reason) + ".";
    return new Problem(status, Problems.slugFor(status), title, detail);
  }

  /**
   * Tomcat's own words for the fault, without the echoed request data it puts in brackets, on one
   * line and short.
   */
  private static String reason(Throwable cause, String message) {
    String text = cause != null && cause.getMessage() != null ? cause.getMessage() : message;
    if (text == null) {
      return "";
    }
    text = BRACKETED.matcher(text).replaceAll("");
    StringBuilder clean = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && clean.length() < 200; i++) {
      char c = text.charAt(i);
      clean.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    String result = clean.toString().strip();
    while (result.endsWith(".") || result.endsWith(":")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }

  /** A problem document of the container. */
  record Problem(int status, String slug, String title, String detail) {

    String json() {
      StringBuilder json = new StringBuilder(256);
      json.append("{\"type\":\"").append(Problems.TYPE_BASE).append(slug).append("\",\"title\":\"");
      QUOTE.quoteAsString(title, json);
      json.append("\",\"status\":").append(status).append(",\"detail\":\"");
      QUOTE.quoteAsString(detail, json);
      return json.append("\"}").toString();
    }
  }
}
