package io.baton.cli.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogsFollowTest {

  @Test
  void printsOnlyTheLinesNotPrintedBefore() {
    assertThat(LogsCommand.fresh(List.of(), List.of("a", "b"))).containsExactly("a", "b");
    assertThat(LogsCommand.fresh(List.of("a", "b"), List.of("a", "b", "c", "d")))
        .containsExactly("c", "d");
    assertThat(LogsCommand.fresh(List.of("a", "b"), List.of("a", "b"))).isEmpty();
  }

  @Test
  void aFullWindowThatSlidIsMatchedOnTheLastLinePrinted() {
    List<String> before =
        IntStream.range(0, LogsCommand.WINDOW).mapToObj(i -> "line " + i).toList();
    List<String> now =
        IntStream.range(3, LogsCommand.WINDOW + 3).mapToObj(i -> "line " + i).toList();
    assertThat(LogsCommand.fresh(before, now))
        .containsExactly(
            "line " + LogsCommand.WINDOW,
            "line " + (LogsCommand.WINDOW + 1),
            "line " + (LogsCommand.WINDOW + 2));
  }
}
