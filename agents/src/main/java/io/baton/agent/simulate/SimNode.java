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
  private final byte[] authorization;
  private final SimCollector chips;
  private final byte[] head;
  private final AtomicBoolean busy = new AtomicBoolean();
  private long seq;
  private long renderedVersion = -1;
  private byte[] tail;

  /**
   * @throws IllegalArgumentException when the token holds characters an HTTP header cannot carry
   */
  SimNode(String name, UUID bootId, String token, SimCollector chips) {
    this(name, bootId, token, chips, null);
  }

  /**
   * @param tail the rendered chips part of the report for the chips' current state, when the caller
   *     has it (every node of a fresh fleet has the same): saves rendering it per node
   */
  SimNode(String name, UUID bootId, String token, SimCollector chips, byte[] tail) {
    this.name = name;
    this.authorization = authorizationHeader(name, token);
    this.chips = chips;
    if (tail != null) {
      this.tail = tail;
      this.renderedVersion = chips.version();
    }
    this.head =
        ("{\"node\":"
                + ReportJson.MAPPER.writeValueAsString(name)
                + ",\"bootId\":\""
                + bootId
                + "\",\"seq\":")
            .getBytes(StandardCharsets.UTF_8);
  }

  String name() {
    return name;
  }

  SimCollector chips() {
    return chips;
  }

  /**
   * Claims the node for one report, from its tick until the orchestrator answered it; false while
   * the previous one is still unanswered (queued in the simulator or on the wire).
   */
  boolean tryStartSend() {
    return busy.compareAndSet(false, true);
  }

  void sendDone() {
    busy.set(false);
  }

  /** {@code Authorization: Bearer <token>\r\n}, or nothing without a token. */
  byte[] authorization() {
    return authorization;
  }

  /**
   * Appends the next report, numbered, to {@code sink}; called by one sender at a time (see {@link
   * #tryStartSend}).
   */
  void writeNextReport(ByteSink sink, Instant now) {
    long version = chips.version();
    if (version != renderedVersion) {
      tail = tail(chips);
      renderedVersion = version;
    }
    sink.append(head)
        .appendDecimal(seq++)
        .appendAscii(",\"sentAt\":\"")
        .appendAscii(now.toString())
        .appendByte('"')
        .append(tail);
  }

  /** The report from its chips on: {@code ,"vendor":"sim","chips":[...],...}}. */
  static byte[] tail(SimCollector chips) {
    return (",\"vendor\":\"sim\",\"chips\":"
            + ReportJson.MAPPER.writeValueAsString(chips.collect().chips())
            + ",\"progress\":[],\"checkpoints\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] authorizationHeader(String name, String token) {
    if (token == null || token.isEmpty()) {
      return new byte[0];
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "the token of node " + name + " holds a character an HTTP header cannot carry");
      }
    }
    return ("Authorization: Bearer " + token + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
