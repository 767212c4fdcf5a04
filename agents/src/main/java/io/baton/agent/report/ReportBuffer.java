package io.baton.agent.report;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.progress.ProgressBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What waits to be reported while the orchestrator is away: the latest chip snapshot only (older
 * ones are stale), progress samples up to a bound (the oldest dropped first, and counted), and
 * every checkpoint (never dropped: a lost checkpoint is a lost resume point). Not thread-safe; the
 * agent loop owns it.
 */
public final class ReportBuffer {

  /** One report's worth taken from the buffer. */
  public record Contents(
      ChipSnapshot chips,
      List<ObjectNode> progress,
      List<ObjectNode> checkpoints,
      long malformedLines,
      long droppedProgress) {}

  private final int maxProgress;
  private final ArrayDeque<ObjectNode> progress = new ArrayDeque<>();
  private final ArrayDeque<ObjectNode> checkpoints = new ArrayDeque<>();
  private ChipSnapshot chips;
  private long malformedLines;
  private long droppedProgress;

  public ReportBuffer(int maxProgress) {
    if (maxProgress < 0) {
      throw new IllegalArgumentException("maxProgress must be >= 0");
    }
    this.maxProgress = maxProgress;
  }

  public void add(ChipSnapshot latest, ProgressBatch batch) {
    chips = latest;
    checkpoints.addAll(batch.checkpoints());
    malformedLines += batch.malformedLines();
    for (ObjectNode sample : batch.progress()) {
      progress.addLast(sample);
      if (progress.size() > maxProgress) {
        progress.removeFirst();
        droppedProgress++;
      }
    }
  }

  /** Whether anything beyond the chip snapshot waits. */
  public boolean hasEntries() {
    return !progress.isEmpty()
        || !checkpoints.isEmpty()
        || malformedLines > 0
        || droppedProgress > 0;
  }

  public boolean hasChips() {
    return chips != null;
  }

  public int progressCount() {
    return progress.size();
  }

  public int checkpointCount() {
    return checkpoints.size();
  }

  /** Returns entries taken but not sent to the front of the buffer, in their order. */
  public void putBack(List<ObjectNode> someProgress, List<ObjectNode> someCheckpoints) {
    for (int i = someProgress.size() - 1; i >= 0; i--) {
      progress.addFirst(someProgress.get(i));
    }
    for (int i = someCheckpoints.size() - 1; i >= 0; i--) {
      checkpoints.addFirst(someCheckpoints.get(i));
    }
  }

  /** Takes the oldest entries, at most the given numbers, and the counters. */
  public Contents take(int maxProgressPerReport, int maxCheckpointsPerReport) {
    List<ObjectNode> someProgress =
        new ArrayList<>(Math.min(progress.size(), maxProgressPerReport));
    while (!progress.isEmpty() && someProgress.size() < maxProgressPerReport) {
      someProgress.add(progress.removeFirst());
    }
    List<ObjectNode> someCheckpoints = new ArrayList<>();
    while (!checkpoints.isEmpty() && someCheckpoints.size() < maxCheckpointsPerReport) {
      someCheckpoints.add(checkpoints.removeFirst());
    }
    Contents contents =
        new Contents(chips, someProgress, someCheckpoints, malformedLines, droppedProgress);
    malformedLines = 0;
    droppedProgress = 0;
    return contents;
  }
}
