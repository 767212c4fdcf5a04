package io.baton.orchestrator.dashboard;

import io.baton.orchestrator.security.SecurityProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the dashboard logs in: with an API token always, and through the OIDC issuer (authorization
 * code + PKCE, a public client) when {@code baton.security.oidc.dashboard-client-id} is set. The
 * issuer's endpoints come from its discovery document, read once it answers.
 */
@Component
class DashboardLogin {

  private static final Logger log = LoggerFactory.getLogger(DashboardLogin.class);

  private static final Duration RETRY = Duration.ofSeconds(10);

  private final SecurityProperties.Oidc oidc;
  private final JsonMapper json;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<Oidc> discovered = new AtomicReference<>();

  /**
   * When discovery last failed: pages are not held up by an issuer that is down (one try per 10 s).
   */
  private final AtomicReference<Instant> failedAt = new AtomicReference<>(Instant.EPOCH);

  DashboardLogin(SecurityProperties security, JsonMapper json) {
    this.oidc = security.oidc();
    this.json = json;
  }

  /** What the browser needs to log in; {@code oidc} is null when only tokens log in. */
  Config config() {
    return new Config(oidc.dashboardLogin() ? discover() : null);
  }

  /**
   * The pages' policy: everything from this origin only, no inline script or style, no framing; the
   * browser also talks to the issuer's token endpoint when OIDC login is configured.
   */
  String contentSecurityPolicy() {
    Oidc login = oidc.dashboardLogin() ? discover() : null;
    String connect = "'self'" + (login == null ? "" : " " + origin(login.tokenEndpoint()));
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src "
        + connect
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  private Oidc discover() {
    Oidc known = discovered.get();
    if (known != null || failedAt.get().isAfter(Instant.now().minus(RETRY))) {
      return known;
    }
    Oidc found = fetch();
    if (found == null) {
      failedAt.set(Instant.now());
    } else {
      discovered.compareAndSet(null, found);
    }
    return found;
  }

  private Oidc fetch() {
    String issuer = oidc.issuerUri().replaceAll("/+$", "");
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        log.warn("OIDC discovery at {} answered {}", issuer, response.statusCode());
        return null;
      }
      JsonNode document = json.readTree(response.body());
      Oidc found =
          new Oidc(
              oidc.issuerUri(),
              oidc.dashboardClientId(),
              document.path("authorization_endpoint").asString(),
              document.path("token_endpoint").asString(),
              oidc.dashboardScopes());
      if (found.authorizationEndpoint().isBlank() || found.tokenEndpoint().isBlank()) {
        log.warn("OIDC discovery at {} names no authorization or token endpoint", issuer);
        return null;
      }
      return found;
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("OIDC discovery at {} failed: {}", issuer, e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** {@code GET /api/v1/dashboard/config}. */
  record Config(Oidc oidc) {}

  /**
   * The issuer as the browser uses it.
   *
   * @param issuer the issuer's URI
   * @param clientId the dashboard's client id at the issuer
   * @param authorizationEndpoint where the browser is sent to log in
   * @param tokenEndpoint where the browser trades the code (and its PKCE verifier) for tokens
   * @param scopes what the dashboard asks for
   */
  record Oidc(
      String issuer,
      String clientId,
      String authorizationEndpoint,
      String tokenEndpoint,
      String scopes) {}
}
