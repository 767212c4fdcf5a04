package io.baton.orchestrator.auth;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.baton.orchestrator.support.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * OIDC callers: a real issuer on loopback (its discovery document and JWKS served over HTTP) and
 * tokens signed with a key this test generates. Groups become grants; expired, wrong-issuer,
 * wrong-audience and badly signed tokens are refused and counted.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.scheduler.automatic=false",
      "baton.recovery.automatic=false",
      "baton.cluster.local.agents=false",
      "baton.security.oidc.audiences=baton",
      "baton.security.oidc.group-mappings.ml-leads=research:maintainer",
      "baton.security.oidc.admin-groups=baton-admin",
      "baton.security.rate-limits.writes-per-second=1",
      "baton.security.rate-limits.write-burst=3"
    })
class OidcIT {

  private static final RSAKey KEY = generate("issuer-key");
  private static final RSAKey IMPOSTOR = generate("issuer-key");
  private static final HttpServer ISSUER = startIssuer();
  private static final String ISSUER_URI =
      "http://127.0.0.1:" + ISSUER.getAddress().getPort() + "/realms/baton";
  private static final Path DATA_DIR = tempDir();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
    registry.add("baton.security.oidc.issuer-uri", () -> ISSUER_URI);
  }

  @LocalServerPort int port;
  Api anonymous;

  @BeforeEach
  void client() {
    anonymous = new Api(port);
  }

  @AfterAll
  static void stopIssuer() {
    ISSUER.stop(0);
  }

  @Test
  void aTokenOfTheIssuerIsAcceptedAndItsGroupsBecomeGrants() {
    Api alice = anonymous.as(jwt(claims("alice", "baton-research-member").build(), KEY));

    Api.Response submitted = alice.post("/api/v1/jobs", aSpec().with("team", "research").json());
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    String id = submitted.json().get("id").asString();
    JsonNode event = alice.get("/api/v1/jobs/" + id + "/events").json().get("items").get(0);
    assertThat(event.get("actor").asString()).isEqualTo("oidc:alice");

    alice.post("/api/v1/jobs", aSpec().with("team", "vision").json()).problem(403, "forbidden");
    alice.get("/api/v1/audit").problem(403, "forbidden");
  }

  @Test
  void explicitMappingsAndAdminGroupsApply() {
    Api lead = anonymous.as(jwt(claims("bob", "ml-leads").build(), KEY));
    Api.Response issued =
        lead.post(
            "/api/v1/tokens",
            "{\"name\":\"ci\",\"grants\":[{\"team\":\"research\",\"role\":\"member\"}]}");
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);

    Api admin = anonymous.as(jwt(claims("carol", "baton-admin").build(), KEY));
    assertThat(admin.get("/api/v1/audit").status()).isEqualTo(200);
  }

  @Test
  void expiredWrongIssuerWrongAudienceAndBadlySignedTokensAreRefused() {
    Instant past = Instant.now().minusSeconds(3600);
    List<String> refused =
        List.of(
            jwt(
                claims("dave", "baton-research-member")
                    .issueTime(Date.from(past.minusSeconds(60)))
                    .expirationTime(Date.from(past))
                    .build(),
                KEY),
            jwt(
                claims("dave", "baton-research-member").issuer("http://127.0.0.1:1/other").build(),
                KEY),
            jwt(claims("dave", "baton-research-member").audience("someone-else").build(), KEY),
            jwt(claims("dave", "baton-research-member").build(), IMPOSTOR));
    for (String token : refused) {
      anonymous.as(token).get("/api/v1/jobs").problem(401, "unauthorized");
    }
    // A Baton-shaped token is judged as one, never handed to the issuer's keys.
    anonymous.as("bpat_unknown").get("/api/v1/jobs").problem(401, "unauthorized");
    String tampered =
        jwt(claims("dave", "baton-research-member").build(), KEY).replaceFirst("\\.", ".e30");
    anonymous.as(tampered).get("/api/v1/jobs").problem(401, "unauthorized");

    String metrics =
        anonymous
            .as(jwt(claims("carol", "baton-admin").build(), KEY))
            .get("/actuator/prometheus")
            .body();
    assertThat(metrics)
        .contains("reason=\"expired\"")
        .contains("reason=\"wrong-issuer\"")
        .contains("reason=\"wrong-audience\"")
        .contains("reason=\"bad-signature\"");
  }

  @Test
  void aTokenWithoutGroupsSeesNothingOfAnyTeam() {
    Api nobody = anonymous.as(jwt(claims("erin").build(), KEY));
    Api.Response jobs = nobody.get("/api/v1/jobs?limit=500");
    assertThat(jobs.status()).isEqualTo(200);
    assertThat(jobs.json().get("items").size()).isZero();
  }

  @Test
  void anIdentityOverItsWriteRateGets429AndNothingIsDone() {
    Api frank = anonymous.as(jwt(claims("frank", "baton-ratelimit-member").build(), KEY));
    Api grace = anonymous.as(jwt(claims("grace", "baton-ratelimit-member").build(), KEY));
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(frank.post("/api/v1/jobs", aSpec().with("team", "ratelimit").json()).status());
    }
    assertThat(statuses.subList(0, 3)).containsOnly(201);
    Api.Response limited = frank.post("/api/v1/jobs", aSpec().with("team", "ratelimit").json());
    limited.problem(429, "rate-limited");
    assertThat(limited.header("Retry-After")).hasValueSatisfying(v -> assertThat(v).isNotBlank());
    assertThat(frank.get("/api/v1/jobs?team=ratelimit&limit=500").json().get("items").size())
        .isEqualTo((int) statuses.stream().filter(s -> s == 201).count());
    assertThat(grace.post("/api/v1/jobs", aSpec().with("team", "ratelimit").json()).status())
        .as("another identity has a bucket of its own")
        .isEqualTo(201);
  }

  private static JWTClaimsSet.Builder claims(String subject, String... groups) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER_URI)
        .subject(subject)
        .audience("baton")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(600)))
        .claim("preferred_username", subject)
        .claim("groups", List.of(groups));
  }

  private static String jwt(JWTClaimsSet claims, RSAKey key) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSAKey generate(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issuer: its OpenID discovery document and its public keys, on a loopback port. */
  private static HttpServer startIssuer() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/baton";
      server.createContext(
          "/realms/baton/.well-known/openid-configuration",
          exchange ->
              respond(
                  exchange,
                  "{\"issuer\":\""
                      + base
                      + "\",\"jwks_uri\":\""
                      + base
                      + "/jwks\",\"subject_types_supported\":[\"public\"],"
                      + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
      server.createContext(
          "/realms/baton/jwks",
          exchange -> respond(exchange, new JWKSet(KEY.toPublicJWK()).toString()));
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-oidc-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
