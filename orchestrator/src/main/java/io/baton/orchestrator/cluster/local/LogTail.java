package io.baton.orchestrator.cluster.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a log file, read from its end in blocks: a 200 MB log costs what its tail
 * costs. Lines end at {@code \n}, {@code \r\n} or {@code \r} (as {@link java.io.BufferedReader}
 * reads them), so the lines are those {@code Files.readAllLines} would give, except that bytes that
 * are not UTF-8 read as U+FFFD instead of failing. Line ends are ASCII bytes, which never occur
 * inside a multi-byte UTF-8 sequence, so a block boundary cannot split a character of a line that
 * is returned.
 *
 * <p>At most {@link #MAX_BYTES} are read: a tail longer than that (a few enormous lines) starts at
 * the first line that begins within the last {@code MAX_BYTES}, or, when a single line is longer,
 * at the first whole character within them.
 */
final class LogTail {

  /** Bytes read per step backwards. */
  static final int BLOCK = 64 * 1024;

  /** The most a tail reads. */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  private LogTail() {}

  /** The last {@code count} lines of the file; empty when it does not exist. */
  static List<String> lines(Path file, int count) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return lines(channel, count);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** The last {@code count} lines of what the channel holds. */
  static List<String> lines(SeekableByteChannel channel, int count) throws IOException {
    long size = channel.size();
    if (size == 0 || count <= 0) {
      return List.of();
    }
    long floor = Math.max(0, size - MAX_BYTES);
    long start = start(channel, size, floor, count);
    byte[] bytes = new byte[(int) (size - start)];
    readFully(channel, start, ByteBuffer.wrap(bytes));
    int from = 0;
    if (start == floor && floor > 0 && !startsALine(channel, floor, bytes)) {
      from = cut(bytes);
    }
    return split(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
  }

  /**
   * Where the last {@code count} lines begin: after the {@code count}-th line end counted back from
   * the end (the file's own last line end excluded), or {@code floor} when there are fewer.
   */
  private static long start(SeekableByteChannel channel, long size, long floor, int count)
      throws IOException {
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    long end = size;
    int found = 0;
    int after = -1; // the byte after the one looked at: tells "\r\n" from a lone "\r"
    boolean last = true; // the file's last byte, whose line end closes the last line
    while (end > floor) {
      long begin = Math.max(floor, end - BLOCK);
      block.clear().limit((int) (end - begin));
      readFully(channel, begin, block);
      for (int i = (int) (end - begin) - 1; i >= 0; i--) {
        int b = block.get(i);
        boolean lineEnd = b == '\n' || (b == '\r' && after != '\n');
        after = b;
        if (last) {
          last = false;
          if (lineEnd) {
            continue;
          }
        }
        if (lineEnd && ++found == count) {
          return begin + i + 1;
        }
      }
      end = begin;
    }
    return floor;
  }

  /** Whether a line begins at {@code position} (the bytes from there on are {@code bytes}). */
  private static boolean startsALine(SeekableByteChannel channel, long position, byte[] bytes)
      throws IOException {
    ByteBuffer before = ByteBuffer.allocate(1);
    readFully(channel, position - 1, before);
    int b = before.get(0);
    return b == '\n' || (b == '\r' && (bytes.length == 0 || bytes[0] != '\n'));
  }

  /**
   * Where a tail cut at {@link #MAX_BYTES} starts: past its first line end when a line follows it,
   * or else past any UTF-8 continuation bytes (the middle of one enormous line).
   */
  private static int cut(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        int next = i + 1;
        if (bytes[i] == '\r' && next < bytes.length && bytes[next] == '\n') {
          next++;
        }
        if (next < bytes.length) {
          return next;
        }
        break;
      }
    }
    int i = 0;
    while (i < bytes.length && (bytes[i] & 0xC0) == 0x80) {
      i++;
    }
    return i;
  }

  /** Lines as {@link java.io.BufferedReader#readLine} reads them. */
  private static List<String> split(String text) {
    List<String> lines = new ArrayList<>();
    int from = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        lines.add(text.substring(from, i));
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        from = i + 1;
      }
    }
    if (from < n) {
      lines.add(text.substring(from));
    }
    return lines;
  }

  private static void readFully(SeekableByteChannel channel, long position, ByteBuffer into)
      throws IOException {
    channel.position(position);
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        break;
      }
    }
  }
}
