package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventPatternsTest {

  @ParameterizedTest
  @CsvSource({
    "job.state, job.state, true",
    "job.state, job.restart, false",
    "job.*, job.state, true",
    "job.*, job.restart, true",
    "job.*, jobs.state, false",
    "job.*, job, false",
    "promotion.*, promotion.state, true",
    "promotion.*, job.state, false",
    "*, endpoint.rollout, true",
    "*, some.future.type, true",
    "node.*, node.state, true",
    "a.b.*, a.b.c, true",
    "a.b.*, a.bc, false",
  })
  void matchesExactTypesPrefixWildcardsAndEverything(String pattern, String type, boolean match) {
    assertThat(EventPatterns.matches(pattern, type)).isEqualTo(match);
  }

  @ParameterizedTest
  @CsvSource({"job.state, true", "promotion.state, true", "node.state, false"})
  void aSubscriptionMatchesWhenAnyPatternDoes(String type, boolean match) {
    assertThat(EventPatterns.matches(List.of("job.state", "promotion.*"), type)).isEqualTo(match);
  }
}
