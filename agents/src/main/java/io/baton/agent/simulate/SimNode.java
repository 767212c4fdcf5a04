package io.baton.agent.simulate;

import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.report.ReportJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated agent: its own boot id, seq and token, and chips whose health faults change. The
 * report's JSON is precomputed except for seq and time; the chips part is re-rendered only when
 * their health changed.
 */
final class SimNode {

  private final String name;
  private final String token;
  private final SimCollector chips;
  private final String head;
  private final AtomicBoolean sending = new AtomicBoolean();
  private long seq;
  private long renderedVersion = -1;
  private String tail;

  SimNode(String name, UUID bootId, String token, SimCollector chips) {
    this.name = name;
    this.token = token;
    this.chips = chips;
    this.head =
        "{\"node\":"
            + ReportJson.MAPPER.writeValueAsString(name)
            + ",\"bootId\":\""
            + bootId
            + "\",\"seq\":";
  }

  String name() {
    return name;
  }

  String token() {
    return token;
  }

  SimCollector chips() {
    return chips;
  }

  /** Claims the node for one send; false while its previous report is still in flight. */
  boolean tryStartSend() {
    return sending.compareAndSet(false, true);
  }

  void sendDone() {
    sending.set(false);
  }

  /** The next report, numbered; called by one sender at a time (see {@link #tryStartSend}). */
  byte[] nextReport(Instant now) {
    long version = chips.version();
    if (version != renderedVersion) {
      tail =
          ",\"vendor\":\"sim\",\"chips\":"
              + ReportJson.MAPPER.writeValueAsString(chips.collect().chips())
              + ",\"progress\":[],\"checkpoints\":[]}";
      renderedVersion = version;
    }
    String time = now.toString();
    StringBuilder json = new StringBuilder(head.length() + tail.length() + 64);
    json.append(head).append(seq++).append(",\"sentAt\":\"").append(time).append('"').append(tail);
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }
}
