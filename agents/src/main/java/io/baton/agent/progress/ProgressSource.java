package io.baton.agent.progress;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which job and rank a progress file belongs to, told by its path under the progress directory:
 * {@code <jobId>/rank-<r>.jsonl} or {@code <jobId>/<attempt>/rank-<r>.jsonl}. Any other path counts
 * as rank 0 of the job named by the file's parent directory.
 *
 * @param attempt the attempt directory's number, null when the path has none
 */
public record ProgressSource(String jobId, int rank, Integer attempt) {

  private static final Pattern RANK = Pattern.compile("rank-(\\d{1,6})\\.jsonl");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

  public static ProgressSource of(Path root, Path file) {
    Path relative = root.relativize(file);
    Matcher rank = RANK.matcher(file.getFileName().toString());
    int parts = relative.getNameCount();
    if (rank.matches() && parts == 2) {
      return new ProgressSource(
          relative.getName(0).toString(), Integer.parseInt(rank.group(1)), null);
    }
    if (rank.matches() && parts == 3) {
      String attempt = relative.getName(1).toString();
      return new ProgressSource(
          relative.getName(0).toString(),
          Integer.parseInt(rank.group(1)),
          NUMBER.matcher(attempt).matches() ? Integer.valueOf(attempt) : null);
    }
    Path parent = file.toAbsolutePath().getParent();
    String job =
        parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    return new ProgressSource(job, 0, null);
  }
}
