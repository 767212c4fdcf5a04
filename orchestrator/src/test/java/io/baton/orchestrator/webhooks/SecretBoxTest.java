package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  static final byte[] OLD = key(1);
  static final byte[] NEW = key(2);
  static final UUID WEBHOOK = UUID.randomUUID();
  static final String SECRET = "correct-horse-battery-staple";

  @Test
  void aSealedSecretOpensAndDoesNotShowTheSecret() {
    SecretBox box = new SecretBox(NEW, List.of());

    String sealed = box.seal(WEBHOOK, SECRET);

    assertThat(sealed).startsWith("gcm:" + SecretBox.keyId(NEW) + ":").doesNotContain(SECRET);
    assertThat(box.open(WEBHOOK, sealed)).isEqualTo(SECRET);
    assertThat(box.isCurrent(sealed)).isTrue();
  }

  @Test
  void everySealingUsesAFreshNonce() {
    SecretBox box = new SecretBox(NEW, List.of());

    String first = box.seal(WEBHOOK, SECRET);
    String second = box.seal(WEBHOOK, SECRET);

    assertThat(first).isNotEqualTo(second);
    assertThat(Arrays.copyOf(payload(first), 12)).isNotEqualTo(Arrays.copyOf(payload(second), 12));
  }

  @Test
  void aSealedValueOpensOnlyForItsOwnSubscription() {
    SecretBox box = new SecretBox(NEW, List.of());
    String sealed = box.seal(WEBHOOK, SECRET);

    assertThatThrownBy(() -> box.open(UUID.randomUUID(), sealed))
        .isInstanceOf(SecretBox.UnavailableSecretException.class);
  }

  @Test
  void aTamperedValueDoesNotOpen() {
    SecretBox box = new SecretBox(NEW, List.of());
    String sealed = box.seal(WEBHOOK, SECRET);
    byte[] payload = payload(sealed);
    payload[payload.length - 1] ^= 1;
    String tampered =
        "gcm:" + SecretBox.keyId(NEW) + ":" + Base64.getEncoder().encodeToString(payload);

    assertThatThrownBy(() -> box.open(WEBHOOK, tampered))
        .isInstanceOf(SecretBox.UnavailableSecretException.class);
    assertThatThrownBy(() -> box.open(WEBHOOK, "gcm:" + SecretBox.keyId(NEW) + ":AAAA"))
        .isInstanceOf(SecretBox.UnavailableSecretException.class);
    assertThatThrownBy(() -> box.open(WEBHOOK, SECRET))
        .isInstanceOf(SecretBox.UnavailableSecretException.class);
  }

  @Test
  void afterARotationOldValuesStillOpenButAreNotCurrent() {
    String sealedWithOld = new SecretBox(OLD, List.of()).seal(WEBHOOK, SECRET);
    SecretBox rotated = new SecretBox(NEW, List.of(OLD));

    assertThat(rotated.open(WEBHOOK, sealedWithOld)).isEqualTo(SECRET);
    assertThat(rotated.isCurrent(sealedWithOld)).isFalse();
    assertThat(rotated.seal(WEBHOOK, SECRET)).startsWith("gcm:" + SecretBox.keyId(NEW) + ":");
  }

  @Test
  void aValueSealedWithAKeyNotHeldNamesThatKey() {
    String sealedWithOld = new SecretBox(OLD, List.of()).seal(WEBHOOK, SECRET);
    SecretBox other = new SecretBox(NEW, List.of());

    assertThatThrownBy(() -> other.open(WEBHOOK, sealedWithOld))
        .isInstanceOf(SecretBox.UnavailableSecretException.class)
        .hasMessageContaining(SecretBox.keyId(OLD));
  }

  @Test
  void plainValuesFromBeforeEncryptionOpenAndAreNotCurrent() {
    SecretBox box = new SecretBox(NEW, List.of());

    assertThat(box.open(WEBHOOK, "plain:" + SECRET)).isEqualTo(SECRET);
    assertThat(box.isCurrent("plain:" + SECRET)).isFalse();
  }

  @Test
  void keysMustBe256Bits() {
    assertThatThrownBy(() -> new SecretBox(new byte[16], List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bits");
  }

  private static byte[] payload(String sealed) {
    return Base64.getDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    return key;
  }
}
