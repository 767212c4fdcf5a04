package io.baton.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Vendor;
import io.baton.agent.progress.ProgressBatch;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ReportBufferTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ChipSnapshot NO_CHIPS = new ChipSnapshot(Vendor.SIM, List.of());

  @Test
  void aFullBufferDropsTheOldestProgressAndCountsIt() {
    ReportBuffer buffer = new ReportBuffer(5);

    buffer.add(NO_CHIPS, batch(samples(1, 4), List.of(), 0));
    buffer.add(NO_CHIPS, batch(samples(5, 8), List.of(), 0));

    ReportBuffer.Contents contents = buffer.take(100, 100);
    assertThat(steps(contents.progress())).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(contents.droppedProgress()).isEqualTo(3);
    assertThat(buffer.take(100, 100).droppedProgress()).isZero();
  }

  @Test
  void checkpointsAreNeverDropped() {
    ReportBuffer buffer = new ReportBuffer(2);

    for (long step = 1; step <= 50; step++) {
      buffer.add(NO_CHIPS, batch(samples(step, step), List.of(sample(step)), 0));
    }

    assertThat(buffer.checkpointCount()).isEqualTo(50);
    assertThat(buffer.progressCount()).isEqualTo(2);
  }

  @Test
  void takeHandsOutTheOldestFirstWithinTheLimits() {
    ReportBuffer buffer = new ReportBuffer(100);
    buffer.add(NO_CHIPS, batch(samples(1, 10), samples(1, 3), 4));

    ReportBuffer.Contents first = buffer.take(6, 2);
    ReportBuffer.Contents second = buffer.take(6, 2);

    assertThat(steps(first.progress())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(steps(first.checkpoints())).containsExactly(1L, 2L);
    assertThat(first.malformedLines()).isEqualTo(4);
    assertThat(steps(second.progress())).containsExactly(7L, 8L, 9L, 10L);
    assertThat(steps(second.checkpoints())).containsExactly(3L);
    assertThat(second.malformedLines()).isZero();
    assertThat(buffer.hasEntries()).isFalse();
  }

  @Test
  void onlyTheLatestChipsAreKept() {
    ReportBuffer buffer = new ReportBuffer(10);
    ChipSnapshot latest = new ChipSnapshot(Vendor.ASCEND, List.of());

    buffer.add(NO_CHIPS, ProgressBatch.EMPTY);
    buffer.add(latest, ProgressBatch.EMPTY);

    assertThat(buffer.take(10, 10).chips()).isSameAs(latest);
  }

  static ProgressBatch batch(
      List<ObjectNode> progress, List<ObjectNode> checkpoints, long malformed) {
    return new ProgressBatch(progress, checkpoints, malformed);
  }

  static List<ObjectNode> samples(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(ReportBufferTest::sample).toList();
  }

  static ObjectNode sample(long step) {
    return JSON.createObjectNode().put("type", "progress").put("step", step);
  }

  static List<Long> steps(List<ObjectNode> entries) {
    return entries.stream().map(e -> e.get("step").asLong()).toList();
  }
}
