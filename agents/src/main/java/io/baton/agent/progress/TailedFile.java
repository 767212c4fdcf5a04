package io.baton.agent.progress;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;

/**
 * One progress file being followed. Only newline-terminated lines are handed out; a partial last
 * line is read again on the next poll. A file that shrinks was truncated and is read again from the
 * start; a path that now names another file (new inode) was rotated: the old file is finished
 * through the still-open channel, then the new one is read from the start.
 */
final class TailedFile implements Closeable {

  /** Receives what a poll read. */
  interface Sink {
    void line(String line);

    void oversizedLine();
  }

  /** Longer lines are malformed; they would crowd a report that must stay under 1 MB. */
  static final int MAX_LINE_BYTES = 64 << 10;

  private static final int MAX_READ_BYTES = 8 << 20;

  private final Path path;
  private final ProgressSource source;
  private final Duration idleClose;
  private FileChannel channel;
  private Object identity;
  private long position;
  private boolean discarding;
  private Instant lastRead = Instant.MIN;

  TailedFile(Path path, ProgressSource source, Duration idleClose) {
    this.path = path;
    this.source = source;
    this.idleClose = idleClose;
  }

  ProgressSource source() {
    return source;
  }

  long position() {
    return position;
  }

  /**
   * Reads what is new.
   *
   * @return false when the path is gone (whatever the old file still held has been read)
   */
  boolean poll(Instant now, Sink sink) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      finishOld(sink);
      return false;
    }
    Object current = identity(attributes);
    if (identity != null && !identity.equals(current)) {
      finishOld(sink);
    }
    identity = current;
    if (attributes.size() < position) {
      restart();
    }
    if (attributes.size() == position) {
      closeIfIdle(now);
      return true;
    }
    if (channel == null) {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    }
    read(sink);
    lastRead = now;
    return true;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  private void finishOld(Sink sink) throws IOException {
    if (channel != null) {
      if (channel.size() >= position) {
        read(sink);
      }
      close();
    }
    restart();
  }

  private void restart() {
    position = 0;
    discarding = false;
  }

  private void closeIfIdle(Instant now) throws IOException {
    if (channel != null && lastRead.plus(idleClose).isBefore(now)) {
      close();
    }
  }

  private void read(Sink sink) throws IOException {
    long available = channel.size() - position;
    if (available <= 0) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(available, MAX_READ_BYTES));
    int read;
    do {
      read = channel.read(buffer, position + buffer.position());
    } while (read > 0 && buffer.hasRemaining());
    byte[] bytes = buffer.array();
    int length = buffer.position();
    int lineStart = 0;
    if (discarding) {
      int newline = indexOf(bytes, 0, length);
      if (newline < 0) {
        position += length;
        return;
      }
      discarding = false;
      lineStart = newline + 1;
    }
    for (int i = lineStart; i < length; i++) {
      if (bytes[i] == '\n') {
        int end = i > lineStart && bytes[i - 1] == '\r' ? i - 1 : i;
        sink.line(new String(bytes, lineStart, end - lineStart, StandardCharsets.UTF_8));
        lineStart = i + 1;
      }
    }
    position += lineStart;
    if (length - lineStart >= MAX_LINE_BYTES) {
      sink.oversizedLine();
      discarding = true;
      position += length - lineStart;
    }
  }

  private static int indexOf(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Object identity(BasicFileAttributes attributes) {
    Object key = attributes.fileKey();
    return key != null ? key : attributes.creationTime();
  }
}
