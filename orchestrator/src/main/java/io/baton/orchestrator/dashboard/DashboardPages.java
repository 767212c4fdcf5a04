package io.baton.orchestrator.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The dashboard's page shell for every page route. It holds no data and no inline script: the
 * modules under {@code /ui/} draw the page and read the API with the caller's token. The
 * Content-Security-Policy allows scripts, styles and connections of this origin only (and the
 * identity provider's token endpoint when OIDC login is configured); the page may not be framed.
 */
@Controller
class DashboardPages {

  private final byte[] shell;
  private final DashboardLogin login;

  DashboardPages(DashboardLogin login) {
    this.login = login;
    try (InputStream in = new ClassPathResource("dashboard/index.html").getInputStream()) {
      // The shell names the modules by their versioned, cached URLs (DashboardAssets).
      this.shell =
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .replace("\"/ui/", "\"" + DashboardAssets.VERSIONED)
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the dashboard's shell is missing from the build", e);
    }
  }

  @GetMapping(
      value = {
        "/",
        "/jobs",
        "/jobs/{id}",
        "/nodes",
        "/promotions",
        "/endpoints",
        "/endpoints/{name}",
        "/login",
        "/login/callback"
      },
      produces = {MediaType.TEXT_HTML_VALUE, MediaType.ALL_VALUE})
  ResponseEntity<byte[]> page() {
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noCache())
        .header("Content-Security-Policy", login.contentSecurityPolicy())
        .header("Referrer-Policy", "no-referrer")
        .header("Cross-Origin-Opener-Policy", "same-origin")
        .body(shell);
  }
}
