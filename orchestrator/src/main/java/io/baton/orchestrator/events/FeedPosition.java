package io.baton.orchestrator.events;

/**
 * A place in the event feed: the writing transaction's id, then the event id. Ordering by it and
 * reading only transactions older than all in flight means a reader never skips an event that
 * commits late.
 */
public record FeedPosition(long txid, long id) implements Comparable<FeedPosition> {

  public static final FeedPosition START = new FeedPosition(0, 0);

  @Override
  public int compareTo(FeedPosition other) {
    int byTx = Long.compare(txid, other.txid);
    return byTx != 0 ? byTx : Long.compare(id, other.id);
  }
}
