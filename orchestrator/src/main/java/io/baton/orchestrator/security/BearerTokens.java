package io.baton.orchestrator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Generating, hashing and reading bearer tokens. */
public final class BearerTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private BearerTokens() {}

  /** A new token: a recognizable prefix and 256 random bits. */
  public static String generate(String prefix) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header.
   *
   * @throws UnauthorizedException when the header is missing or not a bearer token
   */
  public static String fromHeader(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new UnauthorizedException("Send Authorization: Bearer <token>.");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
      throw new UnauthorizedException("The Authorization header must be 'Bearer <token>'.");
    }
    return authorization.substring(7).trim();
  }
}
