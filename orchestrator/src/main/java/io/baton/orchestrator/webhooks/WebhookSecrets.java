package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.persistence.DataDirProperties;
import io.baton.orchestrator.persistence.LocalSecretFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Subscription secrets encrypted at rest (see {@link SecretBox}), and the key that does it.
 *
 * <p>The key is {@code baton.webhooks.secret-key}, or else one generated once into {@code
 * <data-dir>/webhook-key} (mode 600), like the admin token. It is deliberately not kept in the
 * database with {@code ClusterSecrets}, although that would share it between replicas for free: a
 * key stored beside the values it encrypts protects nothing against the most likely leak, a dump or
 * backup of the database. Replicas therefore share the key through configuration (a Kubernetes
 * Secret); a generated file serves one orchestrator on one machine.
 *
 * <p>At start, every secret not sealed with the current key (a plain-text one from before
 * encryption, or one sealed with a previous key) is sealed again with it.
 */
@Component
class WebhookSecrets implements ApplicationRunner {

  static final String KEY_FILE = "webhook-key";

  private static final Logger log = LoggerFactory.getLogger(WebhookSecrets.class);

  private final SecretBox box;
  private final WebhookRepository webhooks;

  @Autowired
  WebhookSecrets(
      WebhooksProperties properties, DataDirProperties dataDir, WebhookRepository webhooks) {
    this(box(properties, dataDir.dataDir()), webhooks);
  }

  WebhookSecrets(SecretBox box, WebhookRepository webhooks) {
    this.box = box;
    this.webhooks = webhooks;
  }

  /** The box of the configured keys, or of the data directory's key file. */
  static SecretBox box(WebhooksProperties properties, Path dataDir) {
    Path file = dataDir.resolve(KEY_FILE);
    List<byte[]> previous = new ArrayList<>();
    properties
        .previousSecretKeys()
        .forEach(k -> previous.add(decode(k, "baton.webhooks.previous-secret-keys")));
    byte[] current;
    if (properties.secretKey() != null && !properties.secretKey().isBlank()) {
      current = decode(properties.secretKey(), "baton.webhooks.secret-key");
      if (Files.exists(file)) {
        // an orchestrator moved from its generated key to a configured one still opens the old
        previous.add(decode(LocalSecretFile.readOrCreate(file, () -> ""), file.toString()));
      }
    } else {
      current = decode(LocalSecretFile.readOrCreate(file, WebhookSecrets::newKey), file.toString());
    }
    return new SecretBox(current, previous);
  }

  String seal(UUID webhookId, String secret) {
    return box.seal(webhookId, secret);
  }

  /**
   * @throws SecretBox.UnavailableSecretException when no key of this orchestrator opens it
   */
  String open(UUID webhookId, String stored) {
    return box.open(webhookId, stored);
  }

  @Override
  public void run(ApplicationArguments args) {
    resealAll();
  }

  /** Seals every secret again that is not sealed with the current key; returns how many. */
  int resealAll() {
    int resealed = 0;
    int unavailable = 0;
    for (WebhookRepository.StoredSecret stored : webhooks.secrets()) {
      if (box.isCurrent(stored.value())) {
        continue;
      }
      try {
        String secret = box.open(stored.id(), stored.value());
        if (webhooks.replaceSecret(stored.id(), stored.value(), box.seal(stored.id(), secret))) {
          resealed++;
        }
      } catch (SecretBox.UnavailableSecretException e) {
        unavailable++;
      }
    }
    if (resealed > 0) {
      log.info("Sealed {} webhook secrets with key {}", resealed, box.currentKeyId());
    }
    if (unavailable > 0) {
      log.error(
          "{} webhook secrets are sealed with a key this orchestrator does not hold, so their"
              + " deliveries cannot be signed. Give every replica the same"
              + " baton.webhooks.secret-key, and list earlier keys in"
              + " baton.webhooks.previous-secret-keys",
          unavailable);
    }
    return resealed;
  }

  private static byte[] decode(String base64, String source) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + " is not base64", e);
    }
    if (key.length != 32) {
      throw new IllegalArgumentException(
          source + " must be a 256-bit key (32 bytes in base64), got " + key.length + " bytes");
    }
    return key;
  }

  private static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
