package io.baton.orchestrator.web;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Renders every error of the API as {@code application/problem+json}: Baton's own problems with
 * their type and offending fields, Spring MVC's with a Baton type, and anything unexpected as a
 * bare 500 that carries a reference instead of a stack trace.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
  private static final URI ABOUT_BLANK = URI.create("about:blank");

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<ProblemDetail> problem(ProblemException e) {
    ProblemDetail body = Problems.of(e.status(), e.type(), e.title(), e.getMessage(), e.errors());
    e.properties().forEach(body::setProperty);
    if (e.status() == 503) {
      return ResponseEntity.status(503)
          .header("Retry-After", "1")
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(body);
    }
    if (e.status() == 401) {
      return ResponseEntity.status(401)
          .header("WWW-Authenticate", "Bearer realm=\"baton\"")
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(body);
    }
    ResponseEntity.BodyBuilder response =
        ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    e.headers().forEach(response::header);
    return response.body(body);
  }

  /** Work the server could not finish in time (e.g. a report waiting for its commit). */
  @ExceptionHandler(java.util.concurrent.TimeoutException.class)
  ResponseEntity<ProblemDetail> timeout(java.util.concurrent.TimeoutException e) {
    return ResponseEntity.status(503)
        .header("Retry-After", "1")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(
            Problems.of(
                503, "overloaded", "Overloaded", "The server is busy; retry after a pause."));
  }

  /**
   * A query string Tomcat could not parse (see also {@link QueryStringFilter}, which refuses most
   * before a handler runs).
   */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> unparseableQuery(InvalidParameterException e) {
    return respond(invalidQuery());
  }

  static ProblemDetail invalidQuery() {
    return Problems.of(
        400,
        "invalid-parameter",
        "Invalid parameter",
        "The query string is malformed: a parameter without a name, bad percent-encoding, bytes"
            + " that are not UTF-8, or too many parameters.");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    if (DatabaseUnavailable.is(e)) {
      log.warn("Database unavailable: {}", e.toString());
      return DatabaseUnavailable.response();
    }
    String reference = UUID.randomUUID().toString();
    log.error("Unexpected error, reference {}", reference, e);
    ProblemDetail body =
        Problems.of(
            500,
            "internal-error",
            "Internal error",
            "The server failed to handle the request; reference " + reference + ".");
    body.setProperty("reference", reference);
    return respond(body);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (causedByTooLargeBody(e)) {
      return cast(
          respond(
              Problems.of(
                  413,
                  "payload-too-large",
                  "Payload too large",
                  "Request body exceeds the limit of the API.")));
    }
    return cast(
        respond(
            Problems.of(
                400, "malformed-json", "Malformed JSON", ProblemResponses.describe(e.getCause()))));
  }

  /**
   * An {@code Accept} that cannot be parsed or that names nothing this endpoint produces; the
   * problem document is sent all the same (RFC 9110 lets a server disregard {@code Accept}).
   */
  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
      HttpMediaTypeNotAcceptableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    String detail;
    try {
      MediaType.parseMediaTypes(accept);
      detail =
          "Nothing in Accept can be produced here; this endpoint produces "
              + (e.getSupportedMediaTypes().isEmpty()
                  ? "application/json"
                  : MediaType.toString(e.getSupportedMediaTypes()))
              + ".";
    } catch (InvalidMediaTypeException unparseable) {
      detail = "The Accept header is not a valid list of media types; send application/json.";
    }
    return cast(respond(Problems.of(406, "not-acceptable", "Not acceptable", detail)));
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldViolation> errors =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new FieldViolation(f.getField(), f.getDefaultMessage()))
            .toList();
    return cast(respond(validation(errors)));
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldViolation> errors = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            result -> {
              String name = result.getMethodParameter().getParameterName();
              for (MessageSourceResolvable error : result.getResolvableErrors()) {
                String field = error instanceof FieldError f ? f.getField() : name;
                errors.add(new FieldViolation(field, error.getDefaultMessage()));
              }
            });
    return cast(respond(validation(errors)));
  }

  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String name = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
    String expected =
        e.getRequiredType() == null ? "a valid value" : describeType(e.getRequiredType());
    FieldViolation error = new FieldViolation(name, "'" + e.getValue() + "' is not " + expected);
    return cast(
        respond(
            Problems.of(
                400,
                "invalid-parameter",
                "Invalid parameter",
                name + ": " + error.message(),
                List.of(error))));
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body == null && e instanceof ErrorResponse errorResponse) {
      body = errorResponse.getBody();
    }
    if (body instanceof ProblemDetail problem
        && (problem.getType() == null || ABOUT_BLANK.equals(problem.getType()))) {
      problem.setType(URI.create(Problems.TYPE_BASE + Problems.slugFor(status.value())));
    }
    if (e instanceof NoResourceFoundException notFound && body instanceof ProblemDetail problem) {
      problem.setDetail(
          "No endpoint " + notFound.getHttpMethod() + " /" + notFound.getResourcePath() + ".");
    }
    return super.handleExceptionInternal(e, body, headers, status, request);
  }

  private static ProblemDetail validation(List<FieldViolation> errors) {
    String detail =
        errors.isEmpty()
            ? "The request is invalid."
            : errors.stream()
                .map(v -> v.field() + ": " + v.message())
                .reduce((a, b) -> a + "; " + b)
                .orElseThrow();
    return Problems.of(400, "invalid-parameter", "Invalid parameter", detail, errors);
  }

  private static String describeType(Class<?> type) {
    if (type.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        names.add(constant.toString());
      }
      return "one of " + names;
    }
    return switch (type.getSimpleName()) {
      case "UUID" -> "a UUID";
      case "int", "Integer", "long", "Long" -> "an integer";
      default -> "a valid " + type.getSimpleName();
    };
  }

  private static boolean causedByTooLargeBody(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PayloadTooLargeException) {
        return true;
      }
    }
    return false;
  }

  private static ResponseEntity<ProblemDetail> respond(ProblemDetail body) {
    return ResponseEntity.status(body.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(body);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> response) {
    return (ResponseEntity) response;
  }
}
