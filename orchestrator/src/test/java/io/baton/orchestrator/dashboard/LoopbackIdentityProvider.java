package io.baton.orchestrator.dashboard;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenID provider on loopback, enough for a browser's authorization code flow with PKCE: its
 * discovery document and JWKS, an authorize endpoint that logs the one user in at once and
 * redirects back with a code, and a token endpoint that trades a code only for the verifier whose
 * S256 hash the authorize request carried, answering an RS256-signed JWT.
 */
final class LoopbackIdentityProvider implements AutoCloseable {

  /** What the authorize request carried for a code. */
  private record Grant(String clientId, String redirectUri, String challenge) {}

  private final RSAKey key;
  private final HttpServer server;
  private final String issuer;
  private final String clientId;
  private final String user;
  private final List<String> groups;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();

  /** Every token request's outcome: {@code issued} or why it was refused. */
  final List<String> tokenRequests = new CopyOnWriteArrayList<>();

  LoopbackIdentityProvider(String clientId, String user, List<String> groups) {
    this.clientId = clientId;
    this.user = user;
    this.groups = groups;
    try {
      this.key = new RSAKeyGenerator(2048).keyID("idp-key").generate();
      this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/baton";
    server.createContext("/realms/baton/.well-known/openid-configuration", this::discovery);
    server.createContext(
        "/realms/baton/jwks", x -> respond(x, 200, new JWKSet(key.toPublicJWK()).toString(), null));
    server.createContext("/realms/baton/authorize", this::authorize);
    server.createContext("/realms/baton/token", this::token);
    server.start();
  }

  String issuer() {
    return issuer;
  }

  String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void discovery(HttpExchange x) throws IOException {
    respond(
        x,
        200,
        "{\"issuer\":\""
            + issuer
            + "\",\"jwks_uri\":\""
            + issuer
            + "/jwks\",\"authorization_endpoint\":\""
            + issuer
            + "/authorize\",\"token_endpoint\":\""
            + issuer
            + "/token\",\"response_types_supported\":[\"code\"],"
            + "\"code_challenge_methods_supported\":[\"S256\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}",
        null);
  }

  private void authorize(HttpExchange x) throws IOException {
    Map<String, String> q = form(x.getRequestURI().getRawQuery());
    if (!"code".equals(q.get("response_type"))
        || !clientId.equals(q.get("client_id"))
        || !"S256".equals(q.get("code_challenge_method"))
        || q.get("code_challenge") == null
        || q.get("redirect_uri") == null) {
      respond(x, 400, "{\"error\":\"invalid_request\"}", null);
      return;
    }
    String code = UUID.randomUUID().toString();
    codes.put(code, new Grant(q.get("client_id"), q.get("redirect_uri"), q.get("code_challenge")));
    String back =
        q.get("redirect_uri")
            + "?code="
            + code
            + "&state="
            + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Location", URI.create(back).toString());
    x.sendResponseHeaders(302, -1);
    x.close();
  }

  private void token(HttpExchange x) throws IOException {
    String origin = x.getRequestHeaders().getFirst("Origin");
    if (!"POST".equals(x.getRequestMethod())) {
      respond(x, 405, "{\"error\":\"invalid_request\"}", origin);
      return;
    }
    Map<String, String> f =
        form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Grant grant = codes.remove(f.getOrDefault("code", ""));
    String refusal =
        grant == null
            ? "unknown or used code"
            : !"authorization_code".equals(f.get("grant_type"))
                ? "wrong grant_type"
                : !grant.clientId().equals(f.get("client_id"))
                    ? "wrong client"
                    : !grant.redirectUri().equals(f.get("redirect_uri"))
                        ? "wrong redirect_uri"
                        : !grant.challenge().equals(s256(f.getOrDefault("code_verifier", "")))
                            ? "verifier does not match the challenge"
                            : null;
    if (refusal != null) {
      tokenRequests.add(refusal);
      respond(x, 400, "{\"error\":\"invalid_grant\"}", origin);
      return;
    }
    tokenRequests.add("issued");
    String jwt = jwt();
    respond(
        x,
        200,
        "{\"access_token\":\""
            + jwt
            + "\",\"id_token\":\""
            + jwt
            + "\",\"token_type\":\"Bearer\",\"expires_in\":600}",
        origin);
  }

  private String jwt() {
    Instant now = Instant.now();
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              new JWTClaimsSet.Builder()
                  .issuer(issuer)
                  .subject(user)
                  .audience("baton")
                  .issueTime(Date.from(now))
                  .expirationTime(Date.from(now.plusSeconds(600)))
                  .claim("preferred_username", user)
                  .claim("groups", groups)
                  .build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> form(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static void respond(HttpExchange x, int status, String body, String corsOrigin)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    if (corsOrigin != null) {
      x.getResponseHeaders().set("Access-Control-Allow-Origin", corsOrigin);
    }
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }
}
