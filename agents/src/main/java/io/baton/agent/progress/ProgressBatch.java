package io.baton.agent.progress;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** What one poll of the progress files found, in file order. */
public record ProgressBatch(
    List<ObjectNode> progress, List<ObjectNode> checkpoints, long malformedLines) {

  public static final ProgressBatch EMPTY = new ProgressBatch(List.of(), List.of(), 0);

  public ProgressBatch {
    progress = List.copyOf(progress);
    checkpoints = List.copyOf(checkpoints);
  }

  public boolean isEmpty() {
    return progress.isEmpty() && checkpoints.isEmpty() && malformedLines == 0;
  }
}
