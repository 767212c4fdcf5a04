package io.baton.orchestrator.webhooks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals subscription secrets for storage: AES-256-GCM with a random 96-bit nonce per value, the
 * subscription's id as associated data (a sealed value copied to another row does not open there).
 *
 * <p>Stored form: {@code gcm:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>}. The key id is the
 * first 8 hex digits of the key's SHA-256, so a value names the key that opens it and keys can
 * rotate: the box holds the current key (sealing) and any previous ones (opening only). {@code
 * plain:<secret>} is a value stored before encryption (migration V9 marks them); it opens as is and
 * is sealed again at start.
 */
final class SecretBox {

  static final String SEALED = "gcm:";
  static final String PLAIN = "plain:";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** A stored value that no key of this box opens, or that was tampered with. */
  static final class UnavailableSecretException extends RuntimeException {
    UnavailableSecretException(String message) {
      super(message);
    }
  }

  private final String currentId;
  private final Map<String, SecretKey> keys = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /**
   * @param current the 32-byte key new values are sealed with
   * @param previous earlier keys, for opening values sealed before a rotation
   */
  SecretBox(byte[] current, List<byte[]> previous) {
    this.currentId = add(current);
    previous.forEach(this::add);
  }

  private String add(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "webhook secret keys must be 256 bits (32 bytes), got " + key.length + " bytes");
    }
    String id = keyId(key);
    keys.putIfAbsent(id, new SecretKeySpec(key, "AES"));
    return id;
  }

  static String keyId(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  String seal(UUID owner, String secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = crypt(Cipher.ENCRYPT_MODE, keys.get(currentId), nonce, owner, utf8(secret));
    byte[] value = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    return SEALED + currentId + ":" + Base64.getEncoder().encodeToString(value);
  }

  /**
   * @throws UnavailableSecretException when the value is sealed with a key this box lacks, or does
   *     not open (tampered, or sealed for another subscription)
   */
  String open(UUID owner, String stored) {
    if (stored.startsWith(PLAIN)) {
      return stored.substring(PLAIN.length());
    }
    if (!stored.startsWith(SEALED)) {
      throw new UnavailableSecretException("not a sealed webhook secret");
    }
    String rest = stored.substring(SEALED.length());
    int colon = rest.indexOf(':');
    String id = colon < 0 ? "" : rest.substring(0, colon);
    SecretKey key = keys.get(id);
    if (key == null) {
      throw new UnavailableSecretException(
          "webhook secret sealed with key " + id + ", which this orchestrator does not hold");
    }
    byte[] value;
    try {
      value = Base64.getDecoder().decode(rest.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new UnavailableSecretException("webhook secret is not valid base64");
    }
    if (value.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UnavailableSecretException("webhook secret too short to be sealed");
    }
    byte[] nonce = Arrays.copyOfRange(value, 0, NONCE_BYTES);
    byte[] sealed = Arrays.copyOfRange(value, NONCE_BYTES, value.length);
    return new String(
        crypt(Cipher.DECRYPT_MODE, key, nonce, owner, sealed), StandardCharsets.UTF_8);
  }

  /** Whether the value is sealed with the current key, i.e. needs no sealing again. */
  boolean isCurrent(String stored) {
    return stored.startsWith(SEALED + currentId + ":");
  }

  String currentKeyId() {
    return currentId;
  }

  private static byte[] crypt(int mode, SecretKey key, byte[] nonce, UUID owner, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(utf8(owner.toString()));
      return cipher.doFinal(input);
    } catch (AEADBadTagException e) {
      throw new UnavailableSecretException("webhook secret does not open: tampered or misplaced");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
