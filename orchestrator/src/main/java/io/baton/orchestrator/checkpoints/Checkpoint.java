package io.baton.orchestrator.checkpoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A saved training state, as the registry knows it.
 *
 * @param path the weights file, relative to the job's checkpoint directory ({@code
 *     BATON_CHECKPOINT_DIR})
 * @param uri where the weights file is, absolute
 * @param golden the golden set file, relative like {@code path}; null when the trainer wrote none
 * @param goldenUri where the golden set file is, absolute
 * @param verified null until the file was hashed; then whether hash and size matched the report
 * @param promoted whether an endpoint revision serves (or served) it; retention keeps it
 * @param deletedAt when retention deleted its files; null while they are kept
 */
public record Checkpoint(
    UUID id,
    UUID jobId,
    long step,
    String path,
    String uri,
    String format,
    String sha256,
    Long sizeBytes,
    JsonNode metrics,
    String golden,
    String goldenUri,
    Boolean verified,
    Instant verifiedAt,
    boolean promoted,
    Integer attempt,
    int rank,
    String node,
    Instant reportedAt,
    Instant deletedAt,
    String deletedReason,
    String team) {

  /** The weights file. */
  @JsonIgnore
  public Path file() {
    return Path.of(java.net.URI.create(uri));
  }

  /** The golden set file, null when there is none. */
  @JsonIgnore
  public Path goldenFile() {
    return goldenUri == null ? null : Path.of(java.net.URI.create(goldenUri));
  }

  /** A numeric metric, null when the checkpoint has none of that name. */
  public Double metric(String name) {
    if (metrics == null || !metrics.has(name) || !metrics.get(name).isNumber()) {
      return null;
    }
    return metrics.get(name).asDouble();
  }
}
