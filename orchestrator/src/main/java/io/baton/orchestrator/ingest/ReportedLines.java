package io.baton.orchestrator.ingest;

import io.baton.orchestrator.Decision;
import java.util.Set;

/**
 * Whether a node may write a job's progress or checkpoint line: the job must be known, its latest
 * attempt must have a rank placed on the reporting node, and a checkpoint's files must lie inside
 * the job's own checkpoint directory. Pure: the job's placement is passed in.
 *
 * <p>The placement is the one of the job's latest attempt as the job row holds it: it stays after
 * the job ends (the last lines of a finished attempt arrive with the agents' next report, a moment
 * after the job's end), is emptied when a recovering job has released its chips, and is replaced
 * when the next attempt is placed. So lines of an earlier attempt from a node the current one does
 * not use are refused; a node the job still uses may send any attempt's lines (the rank files of
 * one node are the ranks that ran there). Which rank runs on which of the placed nodes is not
 * checked: on Kubernetes the pods of an indexed Job may land on the placed nodes in any order.
 */
@Decision
final class ReportedLines {

  /** Why a line was refused: the {@code reason} tag of {@code baton.ingest.refused}. */
  enum Refusal {
    /** The agent named a job Baton does not know (or no job at all). */
    UNKNOWN_JOB("unknown-job"),
    /** The job's latest attempt has no rank on the reporting node. */
    NOT_PLACED("not-placed"),
    /** A checkpoint's path or golden set points outside the job's checkpoint directory. */
    CHECKPOINT_PATH("checkpoint-path"),
    /** A token reported for another node (the whole report is refused, 403). */
    OTHER_NODE("other-node");

    final String tag;

    Refusal(String tag) {
      this.tag = tag;
    }
  }

  /**
   * What the job row says of a job, for these checks.
   *
   * @param nodes the nodes of its latest attempt's placement (empty while it waits)
   * @param checkpointUri the spec's {@code checkpoint.uri}, or null
   */
  record Job(Set<String> nodes, String checkpointUri) {}

  private ReportedLines() {}

  /**
   * @param job the job the line names, or null when Baton does not know it
   * @return why the line is refused, or null when it may be written
   */
  static Refusal progress(Job job, String node) {
    if (job == null) {
      return Refusal.UNKNOWN_JOB;
    }
    return job.nodes().contains(node) ? null : Refusal.NOT_PLACED;
  }

  /**
   * A checkpoint line is a progress line whose {@code path} (and {@code golden}, if any) must stay
   * inside the job's checkpoint directory.
   */
  static Refusal checkpoint(Job job, String node, String path, String golden) {
    Refusal refusal = progress(job, node);
    if (refusal != null) {
      return refusal;
    }
    if (!contained(path, job.checkpointUri())
        || (golden != null && !contained(golden, job.checkpointUri()))) {
      return Refusal.CHECKPOINT_PATH;
    }
    return null;
  }

  /**
   * Whether a reported path names something inside the job's checkpoint directory: a relative path
   * with no {@code ..} segment (nor NUL, nor backslash, which some tools read as a separator), or,
   * for a job whose spec names a {@code checkpoint.uri}, a URI under that one. An absolute path, a
   * {@code ~} path and any other {@code scheme://} URI are outside.
   *
   * <p>Only the text is checked here; where the files are read (the local backend), their real path
   * is checked too, so a symlink cannot lead out.
   */
  static boolean contained(String path, String checkpointUri) {
    if (path == null || path.isEmpty() || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
      return false;
    }
    if (hasScheme(path)) {
      if (checkpointUri == null) {
        return false;
      }
      String base = checkpointUri.endsWith("/") ? checkpointUri : checkpointUri + "/";
      return path.startsWith(base)
          && path.length() > base.length()
          && segmentsStayInside(path.substring(base.length()));
    }
    if (path.startsWith("/") || path.startsWith("~")) {
      return false;
    }
    return segmentsStayInside(path);
  }

  private static boolean segmentsStayInside(String relative) {
    for (String segment : relative.split("/", -1)) {
      if (segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** {@code scheme://}, as the spec's {@code checkpoint.uri} is written. */
  private static boolean hasScheme(String path) {
    int colon = path.indexOf("://");
    if (colon < 1 || !isAsciiLetter(path.charAt(0))) {
      return false;
    }
    for (int i = 1; i < colon; i++) {
      char c = path.charAt(i);
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
