package io.baton.agent.progress;

import io.baton.agent.progress.ProgressLine.Checkpoint;
import io.baton.agent.progress.ProgressLine.Malformed;
import io.baton.agent.progress.ProgressLine.Progress;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/**
 * Follows every {@code *.jsonl} file under a directory, at any depth, and turns their new complete
 * lines into progress samples and checkpoints. Files appear, grow, get truncated, rotated or
 * deleted between polls; each poll reconciles with what is on disk now.
 */
public final class ProgressTailer implements Closeable {

  private static final Logger LOG = Logger.getLogger(ProgressTailer.class.getName());
  private static final int MAX_DEPTH = 8;

  private final Path root;
  private final Clock clock;
  private final Duration idleClose;
  private final Map<Path, TailedFile> files = new TreeMap<>();

  public ProgressTailer(Path root, Clock clock) {
    this(root, clock, Duration.ofMinutes(5));
  }

  /**
   * @param idleClose how long a file may stay unchanged before its handle is closed (its position
   *     is kept), so finished jobs do not hold file handles
   */
  public ProgressTailer(Path root, Clock clock, Duration idleClose) {
    this.root = root;
    this.clock = clock;
    this.idleClose = idleClose;
  }

  public ProgressBatch poll() {
    Instant now = clock.instant();
    Set<Path> found = scan();
    for (Path path : found) {
      files.computeIfAbsent(path, p -> new TailedFile(p, ProgressSource.of(root, p), idleClose));
    }
    Collected collected = new Collected(now);
    for (Iterator<Map.Entry<Path, TailedFile>> it = files.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Path, TailedFile> entry = it.next();
      collected.source = entry.getValue().source();
      try {
        if (!entry.getValue().poll(now, collected)) {
          it.remove();
        }
      } catch (IOException e) {
        LOG.log(
            Level.WARNING, "cannot read progress file {0}: {1}", new Object[] {entry.getKey(), e});
      }
    }
    return new ProgressBatch(collected.progress, collected.checkpoints, collected.malformed);
  }

  /** Files followed now, for diagnostics and tests. */
  public Set<Path> followed() {
    return Set.copyOf(files.keySet());
  }

  @Override
  public void close() {
    for (TailedFile file : files.values()) {
      try {
        file.close();
      } catch (IOException e) {
        LOG.log(Level.FINE, "closing a progress file", e);
      }
    }
    files.clear();
  }

  private Set<Path> scan() {
    Set<Path> found = new TreeSet<>();
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (Stream<Path> walk = Files.walk(root, MAX_DEPTH)) {
      walk.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
          .filter(Files::isRegularFile)
          .forEach(found::add);
    } catch (IOException | UncheckedIOException e) {
      // Directories come and go while jobs start and end; the next poll sees the rest.
      LOG.log(Level.FINE, "scanning " + root, e);
    }
    return found;
  }

  private static final class Collected implements TailedFile.Sink {
    private final Instant now;
    private final List<ObjectNode> progress = new ArrayList<>();
    private final List<ObjectNode> checkpoints = new ArrayList<>();
    private long malformed;
    private ProgressSource source;

    Collected(Instant now) {
      this.now = now;
    }

    @Override
    public void line(String line) {
      if (line.isBlank()) {
        return;
      }
      ProgressLine parsed = ProgressLines.parse(line, source, now);
      if (parsed instanceof Progress p) {
        progress.add(p.entry());
      } else if (parsed instanceof Checkpoint c) {
        checkpoints.add(c.entry());
      } else if (parsed instanceof Malformed) {
        malformed++;
      }
    }

    @Override
    public void oversizedLine() {
      malformed++;
    }
  }
}
