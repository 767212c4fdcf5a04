package io.baton.orchestrator.cluster.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Deterministic Kubernetes names and the labels Baton puts on what it creates. A repeated create
 * meets AlreadyExists, never a twin.
 */
final class Names {

  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String JOB = "baton.io/job";
  static final String ATTEMPT = "baton.io/attempt";
  static final String ATTEMPT_NAME = "baton.io/attempt-name";
  static final String COMPONENT = "baton.io/component";
  static final String ENDPOINT = "baton.io/endpoint";
  static final String REVISION = "baton.io/revision";
  static final String DEPLOYMENT = "baton.io/deployment";
  static final String PLACEMENT = "baton.io/placement";
  static final String CHIPS = "baton.io/chips";
  static final String NODE = "baton.io/node";
  static final String FENCED = "baton.io/fenced";
  static final String CORDONED = "baton.io/cordoned";
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  static final String HOSTNAME = "kubernetes.io/hostname";

  private static final int MAX = 63;

  private Names() {}

  /**
   * {@code baton-<job id>-a<attempt>}: the whole id (no two jobs can meet), at most 47 characters,
   * so a rank's host name {@code <name>-<index>} stays a DNS label.
   */
  static String attempt(UUID job, int attempt) {
    return "baton-" + job + "-a" + attempt;
  }

  /** {@code baton-<job id>-a<attempt>-env}: the Secret of an attempt's secret environment. */
  static String secret(UUID job, int attempt) {
    return attempt(job, attempt) + "-env";
  }

  /** {@code <endpoint>-r<revision>}: the Deployment of replicas 1.., and the Service. */
  static String revision(String endpoint, int revision) {
    return label(endpoint + "-r" + revision, 0);
  }

  /** {@code <endpoint>-r<revision>-canary}: the Deployment of replica 0. */
  static String canary(String endpoint, int revision) {
    return label(endpoint + "-r" + revision, "-canary".length()) + "-canary";
  }

  /** A DNS label of at most 63 - {@code reserve} characters; a longer name ends in a hash. */
  static String label(String name, int reserve) {
    String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    int max = MAX - reserve;
    if (clean.length() <= max) {
      return clean;
    }
    String hash = hash(clean).substring(0, 8);
    return clean.substring(0, max - 9).replaceAll("-+$", "") + "-" + hash;
  }

  static String hash(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
