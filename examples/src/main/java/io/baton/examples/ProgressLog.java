package io.baton.examples;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import tools.jackson.databind.node.ObjectNode;

/**
 * Appends lines of the progress protocol to {@code BATON_PROGRESS_FILE}, one write per line, so the
 * agent tailing the file sees whole lines. A file whose last line a crash cut short gets a newline
 * first, so only that line is malformed, never the next one too.
 */
final class ProgressLog implements Closeable {

  private final OutputStream out;

  private ProgressLog(OutputStream out) {
    this.out = out;
  }

  static ProgressLog open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      boolean cutShort = endsMidLine(file);
      OutputStream out =
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (cutShort) {
        out.write('\n');
      }
      return new ProgressLog(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open progress file " + file, e);
    }
  }

  /**
   * A step's wall time and the part of it before the gradient exchange, milliseconds.
   *
   * @param stepMs from the start of the step's compute to the updated parameters
   * @param computeMs from the same start to the gradient exchange
   */
  record StepTimes(double stepMs, double computeMs) {}

  void progress(
      int step, int totalSteps, double loss, double samplesPerSec, double lr, StepTimes times) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("type", "progress");
    line.put("step", step);
    line.put("totalSteps", totalSteps);
    line.put("loss", loss);
    line.put("samplesPerSec", Math.round(samplesPerSec * 10) / 10.0);
    line.put("stepMs", times.stepMs());
    line.put("computeMs", times.computeMs());
    line.putObject("metrics").put("lr", lr);
    append(line);
  }

  void checkpoint(Checkpoints.Saved saved, LogisticModel.Evaluation eval) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("type", "checkpoint");
    line.put("step", saved.step());
    line.put("path", saved.path());
    line.put("format", "safetensors");
    line.put("sha256", saved.sha256());
    line.put("sizeBytes", saved.sizeBytes());
    ObjectNode metrics = line.putObject("metrics");
    metrics.put("eval_accuracy", eval.accuracy());
    metrics.put("eval_loss", eval.loss());
    line.put("golden", saved.golden());
    append(line);
  }

  private void append(ObjectNode line) {
    byte[] bytes = (Json.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the progress file", e);
    }
  }

  private static boolean endsMidLine(Path file) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) == 0) {
      return false;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(raf.length() - 1);
      return raf.read() != '\n';
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
