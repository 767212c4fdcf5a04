package io.baton.orchestrator.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Baton-Signature} header: {@code sha256=} and the hex HMAC-SHA256 of {@code
 * "<Baton-Timestamp>.<body bytes>"}, keyed with the subscription secret's UTF-8 bytes. Signing the
 * timestamp with the body lets a receiver refuse replays of old deliveries.
 */
final class WebhookSignature {

  /** Prefix of the header value, naming the algorithm. */
  public static final String SCHEME = "sha256=";

  private WebhookSignature() {}

  /** The header value for this body sent at {@code timestamp} (Unix seconds). */
  public static String sign(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
