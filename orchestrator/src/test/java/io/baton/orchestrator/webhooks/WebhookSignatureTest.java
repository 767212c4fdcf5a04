package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  static final String SECRET = "whsec-test-secret-0123";
  static final byte[] BODY = "{\"id\":\"abc\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void isTheHexHmacSha256OfTimestampDotBody() {
    // openssl dgst -sha256 -hmac whsec-test-secret-0123 <<< '1700000000.{"id":"abc"}' (no newline)
    assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, BODY))
        .isEqualTo("sha256=2118105432b24b6bfc9d54cdd3649fe7f6a1c82910612d5f5ac16b675c2cc856");
  }

  @Test
  void changesWithTheTimestampTheBodyAndTheSecret() {
    String signature = WebhookSignature.sign(SECRET, 1_700_000_000L, BODY);

    assertThat(WebhookSignature.sign(SECRET, 1_700_000_001L, BODY)).isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, "{\"id\":\"abd\"}".getBytes()))
        .isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(SECRET + "x", 1_700_000_000L, BODY)).isNotEqualTo(signature);
  }
}
