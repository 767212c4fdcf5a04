package io.baton.orchestrator.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Picks the checkpoint a restarted job resumes from: the newest one whose file is there and whose
 * SHA-256 is the one the rank reported; a corrupt or truncated newer one is skipped for the one
 * before. The backend hashes the file where the ranks wrote it (on Kubernetes, the checkpoint
 * volume the orchestrator does not mount).
 */
@Component
public class ResumePoint {

  private final RunRepository runs;
  private final ClusterBackend backend;

  ResumePoint(RunRepository runs, ClusterBackend backend) {
    this.runs = runs;
    this.backend = backend;
  }

  /**
   * @param file absolute path of the checkpoint to resume from, null to start from scratch
   * @param skipped newer checkpoints that failed verification, as {@code step-N}
   */
  public record Choice(String file, long step, List<String> skipped) {}

  Choice choose(UUID job, String checkpointDir) {
    List<String> skipped = new ArrayList<>();
    for (RunRepository.Checkpoint checkpoint : runs.checkpoints(job)) {
      Path file = Path.of(checkpointDir).resolve(checkpoint.path()).normalize();
      if (checkpoint.sha256() != null
          && checkpoint.sha256().equalsIgnoreCase(backend.digest(file.toString()).sha256())) {
        return new Choice(file.toString(), checkpoint.step(), skipped);
      }
      skipped.add("step-" + checkpoint.step());
    }
    return new Choice(null, 0, skipped);
  }

  /** The file's SHA-256 in hex; empty when it cannot be read. */
  public static String sha256(Path file) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      return "";
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
