package io.baton.orchestrator.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (in the servlet container or a filter) end here; they get a
 * problem document too, never an HTML page or a stack trace.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION)
        instanceof InvalidParameterException) {
      return ResponseEntity.badRequest()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(ApiExceptionHandler.invalidQuery());
    }
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable e
        && DatabaseUnavailable.is(e)) {
      // A filter (e.g. the token lookup) could not reach the database.
      return DatabaseUnavailable.response();
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    // Without the container's attribute, the client asked for the error path itself: no such page.
    int status = code instanceof Integer i ? i : 404;
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "Error" : known.getReasonPhrase();
    String detail = status >= 500 ? "The server failed to handle the request." : title + ".";
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.of(status, Problems.slugFor(status), title, detail));
  }
}
