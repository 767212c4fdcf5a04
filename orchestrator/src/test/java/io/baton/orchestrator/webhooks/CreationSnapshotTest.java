package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.events.FeedPosition;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreationSnapshotTest {

  @Test
  void parsesPostgresTextForm() {
    assertThat(CreationSnapshot.parse("100:105:101,103"))
        .isEqualTo(new CreationSnapshot(100, 105, Set.of(101L, 103L)));
    assertThat(CreationSnapshot.parse("7:7:")).isEqualTo(new CreationSnapshot(7, 7, Set.of()));
  }

  @ParameterizedTest
  @CsvSource({
    "99, true",
    "100, true",
    "101, false",
    "102, true",
    "103, false",
    "104, true",
    "105, false",
    "200, false",
  })
  void aTransactionHadFinishedUnlessRunningOrNotYetStarted(long txid, boolean finished) {
    CreationSnapshot snapshot = new CreationSnapshot(101, 105, Set.of(101L, 103L));

    assertThat(snapshot.finished(txid)).isEqualTo(finished);
  }

  @Test
  void theFloorPrecedesEveryEventOfAnUnfinishedTransaction() {
    CreationSnapshot snapshot = new CreationSnapshot(101, 105, Set.of(101L, 103L));

    assertThat(new FeedPosition(101, 1)).isGreaterThan(snapshot.floor());
    assertThat(new FeedPosition(100, Long.MAX_VALUE)).isLessThan(snapshot.floor());
  }

  @Test
  void refusesOtherText() {
    assertThatThrownBy(() -> CreationSnapshot.parse("100:105"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
