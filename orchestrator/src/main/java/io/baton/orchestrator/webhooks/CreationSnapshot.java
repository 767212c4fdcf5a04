package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.events.FeedPosition;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which transactions had finished when a subscription was created: PostgreSQL's {@code
 * pg_current_snapshot()} then, in its text form {@code xmin:xmax:xip,...}. A subscription receives
 * the events of exactly the other transactions, those that commit after it exists; an event that
 * committed before is history and never sent, even if the dispatcher had not reached it yet.
 *
 * @param xmin every transaction below it had finished
 * @param xmax no transaction from it on had started
 * @param inProgress transactions between the two still running
 */
@Decision
record CreationSnapshot(long xmin, long xmax, Set<Long> inProgress) {

  /**
   * @throws IllegalArgumentException when the text is no {@code pg_snapshot}
   */
  static CreationSnapshot parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a pg_snapshot: '" + text + "'");
    }
    Set<Long> inProgress =
        parts[2].isEmpty()
            ? Set.of()
            : Stream.of(parts[2].split(",")).map(Long::valueOf).collect(Collectors.toSet());
    return new CreationSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), inProgress);
  }

  /** Whether the transaction had finished (committed or not) when the snapshot was taken. */
  boolean finished(long txid) {
    return txid < xmin || txid < xmax && !inProgress.contains(txid);
  }

  /** Every event at or before this feed position is from a finished transaction. */
  FeedPosition floor() {
    return new FeedPosition(xmin, 0);
  }
}
