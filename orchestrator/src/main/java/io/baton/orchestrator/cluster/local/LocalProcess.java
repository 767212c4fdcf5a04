package io.baton.orchestrator.cluster.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process of the local backend (a rank, an endpoint replica) that may outlive the orchestrator
 * that started it, and that the next orchestrator adopts.
 *
 * <p>It runs in its own session ({@code setsid}, where there is one), so a signal to the
 * orchestrator's process group (Ctrl-C in a terminal) does not reach it, with its output appended
 * to a log file in its run directory and its stdin on {@code /dev/null}. Its run directory holds:
 *
 * <ul>
 *   <li>{@code pid}: {@code <pid> <start instant> [<node>]}, written when it starts;
 *   <li>{@code exit-status}: its exit status, written by a small {@code sh} wrapper when the
 *       program ends. The exit status of a process that is not one's child cannot be asked for, so
 *       this file is how an adopting orchestrator learns how a rank ended. A process killed
 *       together with its wrapper (a stop, SIGKILL) leaves no file: it reads as {@link
 *       #UNKNOWN_EXIT}.
 * </ul>
 *
 * <p>A process is adopted only when the pid is alive, started at the recorded instant, and (on
 * Linux, through {@code /proc/<pid>/environ}) carries the marker variable with the expected value
 * in its environment, so a reused pid is never mistaken for it.
 */
final class LocalProcess {

  static final String PID_FILE = "pid";
  static final String EXIT_STATUS_FILE = "exit-status";

  /** The exit code of a process that ended while no orchestrator watched it and left no status. */
  static final int UNKNOWN_EXIT = 137;

  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final String WRAPPER =
      "\"$@\"; s=$?; echo $s > exit-status.next && mv -f exit-status.next exit-status; exit $s";
  private static final Optional<String> SETSID = onPath("setsid");
  private static final File DEV_NULL = new File("/dev/null");

  private final Process child;
  private final ProcessHandle handle;
  private final String startInstant;
  private final Path dir;

  private LocalProcess(Process child, ProcessHandle handle, String startInstant, Path dir) {
    this.child = child;
    this.handle = handle;
    this.startInstant = startInstant;
    this.dir = dir;
  }

  /**
   * Starts {@code command} in {@code dir} with {@code env} (which must hold the marker), its output
   * appended to {@code log}, and records it in {@code dir/pid} ({@code node} appended when given).
   */
  static LocalProcess start(
      List<String> command, Map<String, String> env, Path dir, Path log, String node)
      throws IOException {
    List<String> wrapped = new ArrayList<>();
    SETSID.ifPresent(wrapped::add);
    wrapped.addAll(List.of("sh", "-c", WRAPPER, "baton-process"));
    wrapped.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(wrapped)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (DEV_NULL.exists()) {
      builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    }
    builder.environment().putAll(env);
    Files.deleteIfExists(dir.resolve(EXIT_STATUS_FILE));
    Process process = builder.start();
    String started = process.info().startInstant().map(Instant::toString).orElse("");
    Files.writeString(
        dir.resolve(PID_FILE),
        process.pid() + " " + started + (node == null ? "" : " " + node) + "\n");
    return new LocalProcess(process, process.toHandle(), started, dir);
  }

  /** What a run directory's {@code pid} file says. */
  record Recorded(long pid, String startInstant, String node) {}

  /** The {@code pid} file of a run directory; empty when there is none (or it is unreadable). */
  static Optional<Recorded> recorded(Path dir) {
    try {
      String[] fields = Files.readString(dir.resolve(PID_FILE)).trim().split(" ");
      return Optional.of(
          new Recorded(
              Long.parseLong(fields[0]),
              fields.length > 1 ? fields[1] : "",
              fields.length > 2 ? fields[2] : null));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The process recorded in {@code dir}, found again by a later orchestrator: running when its pid
   * is alive with the recorded start instant and {@code marker=value} in its environment, ended
   * otherwise (its exit status then comes from {@code exit-status}). Empty when {@code dir} records
   * no process.
   */
  static Optional<LocalProcess> adopt(Path dir, String marker, String value) {
    Optional<Recorded> recorded = recorded(dir);
    if (recorded.isEmpty()) {
      return unrecorded(dir, marker, value);
    }
    Recorded r = recorded.get();
    ProcessHandle handle =
        ProcessHandle.of(r.pid())
            .filter(h -> isOurs(h, r.startInstant(), marker, value))
            .orElse(null);
    return Optional.of(new LocalProcess(null, handle, r.startInstant(), dir));
  }

  /**
   * A process started in {@code dir} whose orchestrator died before it wrote the {@code pid} file
   * (a kill between the fork and the write): found by its marker — the topmost process carrying
   * {@code marker=value}, the wrapper — and recorded now. One that already ended left its exit
   * status. Neither: nothing was started (or it died unseen), and the attempt may start it.
   */
  private static Optional<LocalProcess> unrecorded(Path dir, String marker, String value) {
    if (Files.isDirectory(Path.of("/proc", "self"))) {
      Optional<ProcessHandle> found =
          ProcessHandle.allProcesses()
              .filter(h -> !zombie(h.pid()) && carries(h.pid(), marker, value))
              .filter(h -> h.parent().map(p -> !carries(p.pid(), marker, value)).orElse(true))
              .min(
                  java.util.Comparator.comparing(
                      (ProcessHandle h) -> h.info().startInstant().orElse(Instant.MAX)));
      if (found.isPresent()) {
        ProcessHandle h = found.get();
        String started = h.info().startInstant().map(Instant::toString).orElse("");
        try {
          Files.writeString(dir.resolve(PID_FILE), h.pid() + " " + started + "\n");
        } catch (IOException e) {
          // adopted for this run; the next may search again
        }
        return Optional.of(new LocalProcess(null, h, started, dir));
      }
    }
    if (exitStatus(dir).isPresent()) {
      return Optional.of(new LocalProcess(null, null, "", dir));
    }
    return Optional.empty();
  }

  private static boolean isOurs(ProcessHandle h, String startInstant, String marker, String value) {
    return alive(h, startInstant) && carries(h.pid(), marker, value);
  }

  /** Alive, not a zombie, and started when recorded. */
  private static boolean alive(ProcessHandle h, String startInstant) {
    return h.isAlive()
        && !startInstant.isEmpty()
        && h.info().startInstant().map(Instant::toString).orElse("").equals(startInstant)
        && !zombie(h.pid());
  }

  /**
   * Whether the process's environment holds {@code marker=value}; where there is no {@code /proc}
   * (not Linux) the pid and start instant alone decide.
   */
  static boolean carries(long pid, String marker, String value) {
    Path environ = Path.of("/proc", Long.toString(pid), "environ");
    if (!Files.isDirectory(Path.of("/proc", "self"))) {
      return true;
    }
    try {
      String expected = marker + "=" + value;
      for (String entry :
          new String(Files.readAllBytes(environ), StandardCharsets.UTF_8).split("\0")) {
        if (entry.equals(expected)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** A process that ended but was not reaped yet (its parent is gone and init is slow or none). */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int end = stat.lastIndexOf(')');
      return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  long pid() {
    return child != null ? child.pid() : handle != null ? handle.pid() : -1;
  }

  /** Null while it runs; its exit status, or {@link #UNKNOWN_EXIT} when it left none. */
  Integer exitCode() {
    if (child != null) {
      return child.isAlive() ? null : child.exitValue();
    }
    if (handle != null && alive(handle, startInstant)) {
      return null;
    }
    return exitStatus(dir).orElse(UNKNOWN_EXIT);
  }

  /** Waits up to {@code timeout} for it to end; whether it did. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    if (child != null) {
      return child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    try {
      if (handle != null) {
        handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  /** Whether it ended without leaving an exit status: killed, or gone with its machine. */
  boolean endedUnseen() {
    return exitCode() != null && exitStatus(dir).isEmpty() && child == null;
  }

  static Optional<Integer> exitStatus(Path dir) {
    try {
      return Optional.of(Integer.parseInt(Files.readString(dir.resolve(EXIT_STATUS_FILE)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Terminates it and its descendants (a grace period, then a kill); returns when they are gone.
   * Its process group goes too: a program whose wrapper was killed on its own (SIGKILL to the pid
   * in the {@code pid} file) is no descendant any more, but stays in the wrapper's group, which
   * {@code setsid} made its own.
   */
  void kill() {
    if (child != null) {
      kill(child.toHandle(), SETSID.isPresent() ? child.pid() : -1);
    } else if (handle != null && alive(handle, startInstant)) {
      kill(handle, SETSID.isPresent() ? handle.pid() : -1);
    } else if (SETSID.isPresent()) {
      recorded(dir).ifPresent(r -> group(r.pid()).forEach(LocalProcess::kill));
    }
  }

  static void kill(ProcessHandle handle) {
    kill(handle, -1);
  }

  private static void kill(ProcessHandle handle, long group) {
    // The wrapper first: signalled before its program, it ends without writing an exit status
    // (a stopped process reads as ended unseen, whichever signal reaches the program first).
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(handle);
    tree.addAll(handle.descendants().toList());
    for (ProcessHandle member : group(group)) {
      if (tree.stream().noneMatch(p -> p.pid() == member.pid())) {
        tree.add(member);
      }
    }
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception stillAlive) {
        p.destroyForcibly();
      }
    }
  }

  /** The live processes of process group {@code group} (Linux; elsewhere none). */
  private static List<ProcessHandle> group(long group) {
    if (group <= 0 || !Files.isDirectory(Path.of("/proc", "self"))) {
      return List.of();
    }
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self && groupOf(p.pid()) == group)
        .toList();
  }

  private static long groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static Optional<String> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
