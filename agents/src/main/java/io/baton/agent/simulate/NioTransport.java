package io.baton.agent.simulate;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-http transport on one thread: the ticker's own. Up to {@code maxConnections} keep-alive
 * connections in one selector, one report on each at a time; a report due while all are busy waits
 * in a queue. Writing a report and reading its answer cost one system call each and no thread
 * hand-off, which is what makes thousands of reports a second cheap: a thread per connection costs
 * two context switches per report, and the JDK's HttpClient several executor hand-offs.
 *
 * <p>Idle connections wait on a stack, so the most recently used are used again first and a light
 * load keeps few open. A connection the server closed while idle is noticed (it turns readable) and
 * dropped; if the server closed it just as a report was written to it, the report is written once
 * more on a new connection (reports are idempotent by bootId and seq).
 */
final class NioTransport implements Transport {

  /** How often connections are checked for reports past their timeout. */
  private static final long TIMEOUT_SCAN_NANOS = 10_000_000;

  private final PostConnection.Target target;
  private final Reports reports;
  private final int maxConnections;
  private final long timeoutNanos;
  private final String timeoutText;
  private final Selector selector;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<Due> queue = new ArrayDeque<>();
  private final List<Connection> open = new ArrayList<>();
  private final ByteBuffer input = ByteBuffer.allocateDirect(64 * 1024);
  private final ByteSink body = new ByteSink(4096);
  private InetSocketAddress address;
  private long nextTimeoutScan;
  private boolean pumping;

  NioTransport(
      PostConnection.Target target, Reports reports, int maxConnections, Duration timeout) {
    if (target.tls()) {
      throw new IllegalArgumentException("https needs the blocking transport");
    }
    this.target = target;
    this.reports = reports;
    this.maxConnections = maxConnections;
    this.timeoutNanos = timeout.toNanos();
    this.timeoutText = "no answer within " + timeout.toMillis() + " ms";
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.nextTimeoutScan = System.nanoTime() + TIMEOUT_SCAN_NANOS;
  }

  /** Connections open now, idle or busy. */
  int connections() {
    return open.size();
  }

  @Override
  public void submit(Due report) {
    Connection connection = idle.pollFirst();
    if (connection != null) {
      send(connection, report, false);
    } else if (open.size() < maxConnections) {
      connectAndSend(report, null);
    } else {
      queue.addLast(report);
    }
  }

  @Override
  public void await(long nanos) throws InterruptedException {
    try {
      if (nanos <= 0) {
        selector.selectNow(this::ready);
      } else {
        selector.select(this::ready, Math.max(1, (nanos + 999_999) / 1_000_000));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long now = System.nanoTime();
    if (now - nextTimeoutScan >= 0) {
      nextTimeoutScan = now + TIMEOUT_SCAN_NANOS;
      expire(now);
    }
  }

  @Override
  public void wakeup() {
    try {
      selector.wakeup();
    } catch (ClosedSelectorException ignored) {
      // closed: nothing waits
    }
  }

  @Override
  public void close() {
    queue.clear();
    idle.clear();
    for (Connection connection : List.copyOf(open)) {
      connection.close();
    }
    open.clear();
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /**
   * Opens a connection and sends the report on it: a new request, or with {@code prepared} one
   * written before (to send it once more).
   */
  private void connectAndSend(Due report, ByteSink prepared) {
    SocketChannel channel = null;
    Connection connection = null;
    boolean handed = false;
    try {
      if (address == null || address.isUnresolved()) {
        address = new InetSocketAddress(target.host(), target.port());
      }
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      boolean connected = channel.connect(address);
      connection = new Connection(channel, prepared == null ? new ByteSink(4096) : prepared);
      connection.key =
          channel.register(
              selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, connection);
      connection.connecting = !connected;
      open.add(connection);
      handed = true;
      send(connection, report, prepared != null);
    } catch (IOException | RuntimeException e) {
      if (handed && connection.report != report) {
        return; // send had already counted the report as done
      }
      if (connection != null) {
        connection.report = null;
        connection.close();
      }
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // failed anyway
        }
      }
      reports.done(report, 0, e);
      sendQueued();
    }
  }

  private void send(Connection connection, Due report, boolean retry) {
    if (!retry) {
      connection.request.clear();
      try {
        reports.writeRequest(report, body, connection.request);
      } catch (RuntimeException e) {
        reports.done(report, 0, e);
        idle.addFirst(connection);
        sendQueued();
        return;
      }
    }
    connection.report = report;
    connection.retried = retry;
    connection.answer.reset();
    connection.deadline = System.nanoTime() + timeoutNanos;
    connection.output = ByteBuffer.wrap(connection.request.array(), 0, connection.request.size());
    if (!connection.connecting) {
      write(connection);
    }
  }

  private void write(Connection connection) {
    try {
      connection.channel.write(connection.output);
      if (connection.output.hasRemaining()) {
        connection.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      } else {
        connection.output = null;
        if ((connection.key.interestOps() & SelectionKey.OP_WRITE) != 0) {
          connection.key.interestOps(SelectionKey.OP_READ);
        }
      }
    } catch (IOException e) {
      failed(connection, e);
    }
  }

  private void ready(SelectionKey key) {
    Connection connection = (Connection) key.attachment();
    if (!key.isValid()) {
      return;
    }
    if (connection.connecting && key.isConnectable()) {
      try {
        if (!connection.channel.finishConnect()) {
          return;
        }
        connection.connecting = false;
        key.interestOps(SelectionKey.OP_READ);
        if (connection.report != null) {
          write(connection);
        }
      } catch (IOException e) {
        failed(connection, e);
      }
      return;
    }
    if (key.isValid() && key.isWritable() && connection.output != null) {
      write(connection);
    }
    if (key.isValid() && key.isReadable()) {
      read(connection);
    }
  }

  private void read(Connection connection) {
    int read;
    try {
      input.clear();
      read = connection.channel.read(input);
    } catch (IOException e) {
      failed(connection, e);
      return;
    }
    if (read == 0) {
      return;
    }
    if (connection.report == null) {
      connection.close(); // an idle connection the server closed, or chatter we never asked for
      return;
    }
    if (read < 0) {
      if (connection.answer.endOfStream()) {
        answered(connection, true);
      } else {
        failed(
            connection,
            new EOFException(
                connection.answer.started()
                    ? "connection closed in the middle of an answer"
                    : "connection closed before an answer"));
      }
      return;
    }
    input.flip();
    try {
      if (connection.answer.feed(input)) {
        answered(connection, connection.answer.closeAfter() || input.hasRemaining());
      } else {
        QuickAck.now(connection.channel);
      }
    } catch (ProtocolException e) {
      failed(connection, e);
    }
  }

  private void answered(Connection connection, boolean close) {
    Due report = connection.report;
    connection.report = null;
    connection.served = true;
    if (close) {
      connection.close();
    }
    reports.done(report, connection.answer.status(), null);
    if (!close) {
      Due next = queue.pollFirst();
      if (next != null) {
        send(connection, next, false);
      } else {
        idle.addFirst(connection);
      }
    } else {
      sendQueued();
    }
  }

  /**
   * The connection failed. A report written to a connection that had already served answers, of
   * which no byte of answer arrived, most likely met a server closing it as idle: it goes once more
   * on a new connection; any other report fails.
   */
  private void failed(Connection connection, IOException error) {
    Due report = connection.report;
    boolean stale =
        report != null
            && connection.served
            && !connection.retried
            && !connection.answer.started()
            && !(error instanceof SocketTimeoutException)
            && !(error instanceof ProtocolException);
    ByteSink request = connection.request;
    connection.report = null;
    connection.close();
    if (stale) {
      connectAndSend(report, request);
    } else {
      if (report != null) {
        reports.done(report, 0, error);
      }
      sendQueued();
    }
  }

  /**
   * A connection closed or a report failed: queued reports may go out on idle or new connections.
   * Failures inside call back here; the guard keeps that a loop, not a recursion.
   */
  private void sendQueued() {
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      while (!queue.isEmpty()) {
        Connection connection = idle.pollFirst();
        if (connection != null) {
          send(connection, queue.pollFirst(), false);
        } else if (open.size() < maxConnections) {
          connectAndSend(queue.pollFirst(), null);
        } else {
          return;
        }
      }
    } finally {
      pumping = false;
    }
  }

  private void expire(long now) {
    List<Connection> late = null;
    for (Connection connection : open) {
      if (connection.report != null && now - connection.deadline > 0) {
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(connection);
      }
    }
    if (late != null) {
      for (Connection connection : late) {
        failed(connection, new SocketTimeoutException(timeoutText));
      }
    }
  }

  private final class Connection {

    final SocketChannel channel;
    final ByteSink request;
    final AnswerParser answer = new AnswerParser();
    SelectionKey key;
    boolean connecting;
    boolean served;
    boolean retried;
    Due report;
    ByteBuffer output;
    long deadline;

    Connection(SocketChannel channel, ByteSink request) {
      this.channel = channel;
      this.request = request;
    }

    void close() {
      if (open.remove(this)) {
        idle.remove(this);
        try {
          channel.close(); // cancels the key
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }
}
