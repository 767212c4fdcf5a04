package io.baton.orchestrator.cluster.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

  @TempDir Path dir;

  /** What the backend answered before: every line read, the last ones kept. */
  private static List<String> readAllAndKeepTheLast(Path file, int count) throws IOException {
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return all.subList(Math.max(0, all.size() - count), all.size());
  }

  @Test
  void givesTheLinesReadingEverythingWouldGive() throws IOException {
    Random random = new Random(42);
    String[] pieces = {"a", "bc", "é", "日本", "😀", "\n", "\n", "\r\n", "\r", " "};
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int length = round % 10 == 0 ? 40_000 + random.nextInt(60_000) : random.nextInt(60);
      while (text.length() < length) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      Path file = write("round-" + round, text.toString());
      int count = 1 + random.nextInt(round % 10 == 0 ? 30_000 : 12);

      assertThat(LogTail.lines(file, count))
          .as("round %d: tail %d of %s", round, count, abbreviate(text))
          .isEqualTo(readAllAndKeepTheLast(file, count));
    }
  }

  @Test
  void edgeCasesOfLineEnds() throws IOException {
    for (String text :
        List.of(
            "",
            "\n",
            "\n\n",
            "\r",
            "\r\n",
            "a",
            "a\n",
            "a\r\n",
            "a\n\r",
            "\n\na",
            "a\rb\r\nc",
            "a\r\n\r\nb\n",
            "x\n\n\n")) {
      Path file = write("edge", text);
      for (int count = 1; count <= 4; count++) {
        assertThat(LogTail.lines(file, count))
            .as("tail %d of %s", count, text.replace("\r", "\\r").replace("\n", "\\n"))
            .isEqualTo(readAllAndKeepTheLast(file, count));
      }
    }
  }

  @Test
  void aMissingFileHasNoLines() throws IOException {
    assertThat(LogTail.lines(dir.resolve("never-written.log"), 10)).isEmpty();
  }

  @Test
  void aCharacterAcrossABlockBoundaryStaysWhole() throws IOException {
    // The emoji's 4 bytes sit across the first block boundary counted from the end.
    String after = "second line\n" + "x".repeat(LogTail.BLOCK - 20) + "\nlast\n";
    String text = "first line\n" + "before 😀" + after;
    Path file = write("boundary", text);
    long emojiAt = text.substring(0, text.indexOf('😀')).getBytes(StandardCharsets.UTF_8).length;
    long size = Files.size(file);
    assertThat(emojiAt).isLessThan(size - LogTail.BLOCK).isGreaterThan(size - LogTail.BLOCK - 4);

    for (int count = 1; count <= 5; count++) {
      assertThat(LogTail.lines(file, count)).isEqualTo(readAllAndKeepTheLast(file, count));
    }
    assertThat(LogTail.lines(file, 3).get(0)).startsWith("before 😀second line");
  }

  @Test
  void aTailOfAHugeLogReadsOnlyItsEnd() throws IOException {
    Path file = dir.resolve("huge.log");
    long hole = 200L * 1024 * 1024;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(hole);
      raf.seek(hole);
      StringBuilder end = new StringBuilder("\n");
      for (int i = 0; i < 20_000; i++) {
        end.append("step ").append(i).append(" loss 0.").append(i).append(" — ok ✓\n");
      }
      raf.write(end.toString().getBytes(StandardCharsets.UTF_8));
    }

    Counting few = counting(file);
    List<String> three = LogTail.lines(few, 3);
    Counting many = counting(file);
    List<String> tenThousand = LogTail.lines(many, 10_000);

    assertThat(three)
        .containsExactly(
            "step 19997 loss 0.19997 — ok ✓",
            "step 19998 loss 0.19998 — ok ✓",
            "step 19999 loss 0.19999 — ok ✓");
    assertThat(few.read).isLessThanOrEqualTo(LogTail.BLOCK + 1024);
    assertThat(tenThousand).hasSize(10_000).first().isEqualTo("step 10000 loss 0.10000 — ok ✓");
    assertThat(many.read).isLessThan(2L * 1024 * 1024);
  }

  @Test
  void aSingleEnormousLineIsCutAtACharacterNotInsideOne() throws IOException {
    Path file = dir.resolve("one-line.log");
    byte[] wide = "日".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (line.size() < LogTail.MAX_BYTES + 1000) {
      line.write(wide);
    }
    line.write("end!\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, line.toByteArray());
    // The last MAX_BYTES begin inside a character.
    assertThat((Files.size(file) - LogTail.MAX_BYTES) % 3).isNotZero();

    Counting channel = counting(file);
    List<String> tail = LogTail.lines(channel, 5);

    assertThat(tail).hasSize(1);
    assertThat(tail.get(0)).endsWith("日日end!").doesNotContain("\uFFFD");
    assertThat(tail.get(0).getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(channel.read).isLessThanOrEqualTo(2L * LogTail.MAX_BYTES + 1);
  }

  @Test
  void aCutTailStartsAtAWholeLine() throws IOException {
    Path file = dir.resolve("long-lines.log");
    String line = "y".repeat(1_000_000) + "\n";
    Files.writeString(file, line.repeat(20));

    List<String> tail = LogTail.lines(file, 10_000);

    assertThat(tail).hasSizeBetween(15, 16).allSatisfy(l -> assertThat(l).hasSize(1_000_000));
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name + ".log");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static String abbreviate(CharSequence text) {
    String s = text.toString().replace("\r", "\\r").replace("\n", "\\n");
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  private static Counting counting(Path file) throws IOException {
    return new Counting(FileChannel.open(file, StandardOpenOption.READ));
  }

  /** A file channel that counts the bytes read through it. */
  private static final class Counting implements SeekableByteChannel {
    final FileChannel channel;
    long read;

    Counting(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n = channel.read(dst);
      read += Math.max(0, n);
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long position() throws IOException {
      return channel.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      channel.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
