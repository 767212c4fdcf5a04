package io.baton.agent.progress;

import tools.jackson.databind.node.ObjectNode;

/** One line of the progress protocol, read: a progress sample, a checkpoint, or why neither. */
public sealed interface ProgressLine {

  /** A {@code "type":"progress"} line with {@code jobId}, {@code rank} and {@code time} added. */
  record Progress(ObjectNode entry) implements ProgressLine {}

  /** A {@code "type":"checkpoint"} line with {@code jobId}, {@code rank} and {@code time} added. */
  record Checkpoint(ObjectNode entry) implements ProgressLine {}

  /** A line that is not a protocol line, and why. */
  record Malformed(String reason) implements ProgressLine {}
}
