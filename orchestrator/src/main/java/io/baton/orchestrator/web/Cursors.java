package io.baton.orchestrator.web;

import io.baton.orchestrator.persistence.ClusterSecrets;
import io.baton.orchestrator.problems.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Opaque, signed list cursors. A cursor carries a position and is bound to the list and filters it
 * was made for; one that was altered, or is used on another list, is refused with 400.
 */
@Component
public class Cursors {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final char SEPARATOR = '\u001f';
  private static final int MAC_BYTES = 16;

  private final ClusterSecrets secrets;

  public Cursors(ClusterSecrets secrets) {
    this.secrets = secrets;
  }

  /** Encodes a position for the list identified by {@code scope} (list name plus filters). */
  public String encode(String scope, List<String> position) {
    byte[] payload =
        String.join(String.valueOf(SEPARATOR), position).getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(scope, payload));
  }

  /**
   * Decodes a cursor made by {@link #encode} for the same scope.
   *
   * @throws BadRequestException when the cursor is malformed, altered or from another list
   */
  public List<String> decode(String scope, String cursor, int size) {
    int dot = cursor.indexOf('.');
    if (dot <= 0 || cursor.length() > 1024) {
      throw invalid();
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = DECODER.decode(cursor.substring(0, dot));
      signature = DECODER.decode(cursor.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    // Only the canonical encoding counts: unused low bits of the last character must not vary.
    if (!ENCODER.encodeToString(payload).equals(cursor.substring(0, dot))
        || !ENCODER.encodeToString(signature).equals(cursor.substring(dot + 1))
        || !MessageDigest.isEqual(signature, mac(scope, payload))) {
      throw invalid();
    }
    List<String> position =
        Arrays.asList(
            new String(payload, StandardCharsets.UTF_8).split(String.valueOf(SEPARATOR), -1));
    if (position.size() != size) {
      throw invalid();
    }
    return position;
  }

  private byte[] mac(String scope, byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secrets.get("cursor-signing-key"), "HmacSHA256"));
      mac.update(scope.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return Arrays.copyOf(mac.doFinal(payload), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static BadRequestException invalid() {
    return BadRequestException.invalidParameter(
        "cursor", "not a cursor this list handed out (altered, truncated, or from another query)");
  }
}
