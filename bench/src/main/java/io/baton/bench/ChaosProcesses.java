package io.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The backend's own record of what runs: the processes in {@code /proc} whose environment carries
 * Baton's launch markers ({@code BATON_JOB_ID}/{@code BATON_ATTEMPT}/{@code BATON_RANK} for ranks,
 * {@code BATON_ENDPOINT}/{@code BATON_REVISION}/{@code BATON_REPLICA} for replicas) or whose
 * environment or working directory names the campaign's data directory. Sampled all along the
 * campaign to see launches, and once at the end to find orphans.
 */
final class ChaosProcesses {

  private final String dataDir;
  private final Map<String, ChaosInvariants.RankSighting> sightings = new LinkedHashMap<>();
  // Programs once seen under their launch's wrapper: when a stop signals the wrapper first, the
  // program outlives it for a moment with another parent, still the same launch.
  private final java.util.Set<String> programs = new java.util.HashSet<>();

  ChaosProcesses(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().toString();
  }

  /** One process of ours as {@code /proc} shows it. */
  record Seen(long pid, long ppid, long startTicks, Map<String, String> env, String command) {

    /** Which launch it belongs to: a rank's job/attempt/rank or a replica's endpoint/rev/index. */
    String launch() {
      return String.join(
          "/",
          String.valueOf(env.get("BATON_JOB_ID")),
          String.valueOf(env.get("BATON_ATTEMPT")),
          String.valueOf(env.get("BATON_RANK")),
          String.valueOf(env.get("BATON_ENDPOINT")),
          String.valueOf(env.get("BATON_REVISION")),
          String.valueOf(env.get("BATON_REPLICA")));
    }
  }

  /**
   * One process per launch: the local backend starts each rank and replica under a small {@code sh}
   * wrapper (which records its exit status), and the program it runs inherits the markers, so a
   * process whose parent carries the same launch is that launch's program, not a second launch.
   */
  static List<Seen> launches(List<Seen> seen) {
    Map<Long, Seen> byPid = new HashMap<>();
    seen.forEach(s -> byPid.put(s.pid(), s));
    List<Seen> launches = new ArrayList<>();
    for (Seen s : seen) {
      Seen parent = byPid.get(s.ppid());
      if (parent == null || !parent.launch().equals(s.launch())) {
        launches.add(s);
      }
    }
    return launches;
  }

  /** Every live process that carries the data directory or a Baton launch marker for it. */
  List<Seen> scan() {
    List<Seen> seen = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        Seen s = read(proc);
        if (s != null) {
          seen.add(s);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return seen;
  }

  private Seen read(Path proc) {
    try {
      byte[] raw = Files.readAllBytes(proc.resolve("environ"));
      String environ = new String(raw, StandardCharsets.UTF_8);
      String cwd = "";
      try {
        cwd = Files.readSymbolicLink(proc.resolve("cwd")).toString();
      } catch (IOException | UnsupportedOperationException ignored) {
        // gone, or not ours
      }
      if (!environ.contains(dataDir) && !cwd.startsWith(dataDir)) {
        return null;
      }
      String stat = Files.readString(proc.resolve("stat"));
      // Fields after the command (which may hold spaces) start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      if (fields[0].equals("Z")) {
        return null;
      }
      long start = Long.parseLong(fields[19]);
      long ppid = Long.parseLong(fields[1]);
      Map<String, String> env = new HashMap<>();
      for (String entry : environ.split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0 && entry.startsWith("BATON_")) {
          env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      String command =
          new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\0', ' ')
              .trim();
      return new Seen(Long.parseLong(proc.getFileName().toString()), ppid, start, env, command);
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  /** Samples the ranks alive now into the campaign's sightings. */
  synchronized void sample(Instant now) {
    List<Seen> all = scan();
    List<Seen> launches = launches(all);
    for (Seen s : all) {
      if (!launches.contains(s)) {
        programs.add(s.pid() + "@" + s.startTicks());
      }
    }
    for (Seen s : launches) {
      if (programs.contains(s.pid() + "@" + s.startTicks())) {
        continue;
      }
      String job = s.env().get("BATON_JOB_ID");
      if (job == null) {
        continue;
      }
      try {
        UUID jobId = UUID.fromString(job);
        int attempt = Integer.parseInt(s.env().getOrDefault("BATON_ATTEMPT", "-1"));
        int rank = Integer.parseInt(s.env().getOrDefault("BATON_RANK", "-1"));
        String key = s.pid() + "@" + s.startTicks();
        ChaosInvariants.RankSighting before = sightings.get(key);
        sightings.put(
            key,
            new ChaosInvariants.RankSighting(
                jobId,
                attempt,
                rank,
                s.pid(),
                s.startTicks(),
                before == null ? now : before.first(),
                now));
      } catch (IllegalArgumentException malformed) {
        // not a rank Baton launched
      }
    }
  }

  synchronized List<ChaosInvariants.RankSighting> sightings() {
    return List.copyOf(sightings.values());
  }

  /** The processes left now, as the orphan check reads them ({@code except}: the bench's own). */
  List<ChaosInvariants.Leftover> leftovers(java.util.Set<Long> except) {
    List<ChaosInvariants.Leftover> left = new ArrayList<>();
    for (Seen s : launches(scan())) {
      if (except.contains(s.pid())) {
        continue;
      }
      Map<String, String> env = s.env();
      left.add(
          new ChaosInvariants.Leftover(
              s.pid(),
              uuid(env.get("BATON_JOB_ID")),
              integer(env.get("BATON_ATTEMPT")),
              integer(env.get("BATON_RANK")),
              env.get("BATON_ENDPOINT"),
              integer(env.get("BATON_REVISION")),
              integer(env.get("BATON_REPLICA")),
              s.command()));
    }
    return left;
  }

  /** Kills whatever is left (after the checks: the campaign leaves the machine as it found it). */
  void killAll(java.util.Set<Long> except) {
    for (Seen s : scan()) {
      if (!except.contains(s.pid())) {
        ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static UUID uuid(String text) {
    try {
      return text == null ? null : UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Integer integer(String text) {
    try {
      return text == null ? null : Integer.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
