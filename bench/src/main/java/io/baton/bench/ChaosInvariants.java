package io.baton.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must hold after a chaos campaign, checked from the database (over JDBC, the orchestrator's
 * own tables) and from what the campaign saw of the backend (the rank and replica processes it
 * sampled from {@code /proc}, the reports the orchestrator acknowledged to the cut-off agent).
 * Every check counts violations and says which; none of them trusts the orchestrator's API.
 *
 * <ul>
 *   <li>{@code lostSubmissions}: an accepted submission (a 2xx to a {@code POST /api/v1/jobs} with
 *       an {@code Idempotency-Key}, the key also being the job's name) whose job is missing, exists
 *       more than once, or whose key no longer names it;
 *   <li>{@code duplicateLaunches}: a job whose ADMITTED events do not match its attempts one to
 *       one, two attempts of one job holding chips at once, a rank of an attempt seen as two
 *       different processes, or ranks of two attempts of one job seen alive at the same time;
 *   <li>{@code doubleBookedChips}: two attempts (of any jobs) whose placements name the same chip
 *       during overlapping holds (from the ADMITTED events and the attempts' admitted/released
 *       times);
 *   <li>{@code promotionsNotOnce}: a promotion not ended, ended without a time, ended by other than
 *       exactly one terminal {@code promotion.state} event, or with other than one revision when
 *       ACTIVE (at most one otherwise);
 *   <li>{@code lostAcknowledgedReports}: an acknowledged agent report whose heartbeat (the node's
 *       last seq of that boot) or whose progress and checkpoint lines (for an attempt placed on
 *       that node and live when the report was acknowledged) are missing;
 *   <li>{@code orphans}: a rank or replica process left at the end that nothing accounts for (its
 *       job ended or moved to another attempt, its endpoint's revision or replica count changed, or
 *       a second process for the same rank or replica), and any other process carrying the data
 *       directory;
 *   <li>{@code unfinishedJobs}: a job not SUCCEEDED, FAILED or CANCELLED after the drain, or FAILED
 *       without a reason;
 *   <li>{@code illegalTransitions}: a job state event whose from-state is not the previous event's
 *       to-state (something resurrected or skipped a step).
 * </ul>
 */
final class ChaosInvariants {

  static final List<String> KEYS =
      List.of(
          "lostSubmissions",
          "duplicateLaunches",
          "doubleBookedChips",
          "promotionsNotOnce",
          "lostAcknowledgedReports",
          "orphans",
          "unfinishedJobs",
          "illegalTransitions");

  private static final Set<String> TERMINAL_JOB = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
  private static final Set<String> TERMINAL_PROMOTION = Set.of("ACTIVE", "REJECTED", "ROLLED_BACK");
  private static final Set<String> LIVE = Set.of("ADMITTED", "STARTING", "RUNNING");
  private static final Pattern PLACED = Pattern.compile("([A-Za-z0-9._-]+) \\[([0-9, ]*)\\]");

  /** Slack for "acknowledged while the attempt was live": clocks are one machine's. */
  static final long LIVE_MARGIN_MS = 1_000;

  private ChaosInvariants() {}

  /** A submission the API accepted with a 2xx: its key (also the job's name) and the job's id. */
  record Accepted(String key, UUID jobId) {}

  /** A progress or checkpoint line of an acknowledged report. */
  record Line(UUID jobId, Integer attempt, int rank, long step, boolean checkpoint) {}

  /** A report the orchestrator answered with a 2xx, and when. */
  record AckedReport(String node, UUID bootId, long seq, Instant ackedAt, List<Line> lines) {}

  /** A rank process seen in {@code /proc}: first and last sample it was seen in. */
  record RankSighting(
      UUID jobId, int attempt, int rank, long pid, long startTicks, Instant first, Instant last) {}

  /** A process carrying the data directory, alive at the end. */
  record Leftover(
      long pid,
      UUID jobId,
      Integer attempt,
      Integer rank,
      String endpoint,
      Integer revision,
      Integer replica,
      String command) {}

  /** What the campaign saw outside the database. */
  record Observations(
      List<Accepted> accepted,
      List<AckedReport> acked,
      List<RankSighting> ranks,
      List<Leftover> leftovers) {

    static Observations none() {
      return new Observations(List.of(), List.of(), List.of(), List.of());
    }
  }

  /** Violations by check, each with a line saying what. */
  record Findings(Map<String, List<String>> violations) {
    int count(String key) {
      return violations.getOrDefault(key, List.of()).size();
    }

    int total() {
      return violations.values().stream().mapToInt(List::size).sum();
    }
  }

  static Findings check(Connection db, Observations seen) throws SQLException {
    Map<String, List<String>> found = new LinkedHashMap<>();
    KEYS.forEach(k -> found.put(k, new ArrayList<>()));
    History history = History.read(db);
    submissions(db, seen.accepted(), found.get("lostSubmissions"));
    launches(history, seen.ranks(), found.get("duplicateLaunches"));
    chips(history, found.get("doubleBookedChips"));
    promotions(db, found.get("promotionsNotOnce"));
    reports(db, history, seen.acked(), found.get("lostAcknowledgedReports"));
    orphans(db, seen.leftovers(), found.get("orphans"));
    unfinished(db, found.get("unfinishedJobs"));
    transitions(history, found.get("illegalTransitions"));
    return new Findings(found);
  }

  // ---- the database's history of jobs ----

  /** A job.state event. */
  record StateEvent(long id, UUID jobId, String from, String to, String reason, Instant at) {}

  /** An attempt as job_attempts has it, with the placement its ADMITTED event named. */
  record Attempt(
      UUID jobId,
      int attempt,
      Instant admittedAt,
      Instant releasedAt,
      Map<String, List<Integer>> placement) {}

  record History(
      Map<UUID, List<StateEvent>> events, Map<UUID, List<Attempt>> attempts, Instant now) {

    static History read(Connection db) throws SQLException {
      Map<UUID, List<StateEvent>> events = new LinkedHashMap<>();
      try (PreparedStatement ps =
              db.prepareStatement(
                  "SELECT id, job_id, from_state, to_state, reason, at FROM events"
                      + " WHERE type = 'job.state' AND job_id IS NOT NULL ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID job = rs.getObject(2, UUID.class);
          events
              .computeIfAbsent(job, k -> new ArrayList<>())
              .add(
                  new StateEvent(
                      rs.getLong(1),
                      job,
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      rs.getTimestamp(6).toInstant()));
        }
      }
      Map<UUID, List<Attempt>> attempts = new LinkedHashMap<>();
      try (PreparedStatement ps =
              db.prepareStatement(
                  "SELECT job_id, attempt, admitted_at, released_at FROM job_attempts"
                      + " ORDER BY job_id, attempt");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID job = rs.getObject(1, UUID.class);
          int attempt = rs.getInt(2);
          List<StateEvent> admitted =
              events.getOrDefault(job, List.of()).stream()
                  .filter(e -> "ADMITTED".equals(e.to()))
                  .toList();
          Map<String, List<Integer>> placement =
              attempt >= 1 && attempt <= admitted.size()
                  ? placement(admitted.get(attempt - 1).reason())
                  : Map.of();
          Timestamp released = rs.getTimestamp(4);
          attempts
              .computeIfAbsent(job, k -> new ArrayList<>())
              .add(
                  new Attempt(
                      job,
                      attempt,
                      rs.getTimestamp(3).toInstant(),
                      released == null ? null : released.toInstant(),
                      placement));
        }
      }
      Instant now;
      try (PreparedStatement ps = db.prepareStatement("SELECT now()");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        now = rs.getTimestamp(1).toInstant();
      }
      return new History(events, attempts, now);
    }

    /**
     * When attempt {@code n} of a job stopped being live: the first state event after its ADMITTED
     * event that moves the job out of ADMITTED/STARTING/RUNNING; null while live.
     */
    Instant liveUntil(UUID job, int n) {
      List<StateEvent> list = events.getOrDefault(job, List.of());
      int admitted = 0;
      boolean inside = false;
      for (StateEvent e : list) {
        if ("ADMITTED".equals(e.to())) {
          admitted++;
          if (inside) {
            return e.at();
          }
          inside = admitted == n;
          continue;
        }
        if (inside && !LIVE.contains(e.to())) {
          return e.at();
        }
      }
      return null;
    }

    Attempt attempt(UUID job, int n) {
      for (Attempt a : attempts.getOrDefault(job, List.of())) {
        if (a.attempt() == n) {
          return a;
        }
      }
      return null;
    }
  }

  /** "placed on n1 [0, 1], n2 [3]" → {n1: [0, 1], n2: [3]}. */
  static Map<String, List<Integer>> placement(String reason) {
    Map<String, List<Integer>> placed = new LinkedHashMap<>();
    if (reason == null) {
      return placed;
    }
    String text = reason.startsWith("placed on ") ? reason.substring(10) : reason;
    Matcher m = PLACED.matcher(text);
    while (m.find()) {
      List<Integer> chips = new ArrayList<>();
      for (String c : m.group(2).split(",")) {
        if (!c.isBlank()) {
          chips.add(Integer.parseInt(c.trim()));
        }
      }
      placed.computeIfAbsent(m.group(1), k -> new ArrayList<>()).addAll(chips);
    }
    return placed;
  }

  // ---- the checks ----

  static void submissions(Connection db, List<Accepted> accepted, List<String> out)
      throws SQLException {
    for (Accepted a : accepted) {
      long byId = count(db, "SELECT count(*) FROM jobs WHERE id = ?", a.jobId());
      long byName = count(db, "SELECT count(*) FROM jobs WHERE name = ?", a.key());
      if (byId != 1 || byName != 1) {
        out.add(
            "submission "
                + a.key()
                + " (job "
                + a.jobId()
                + "): "
                + (byId == 0 ? "job missing" : "job present")
                + ", "
                + byName
                + " jobs of that name");
        continue;
      }
      long keyed =
          count(
              db,
              "SELECT count(*) FROM idempotency_keys WHERE key = ? AND resource_id = ?",
              a.key(),
              a.jobId());
      if (keyed != 1) {
        out.add("submission " + a.key() + ": its Idempotency-Key no longer names job " + a.jobId());
      }
    }
  }

  static void launches(History h, List<RankSighting> ranks, List<String> out) {
    for (Map.Entry<UUID, List<StateEvent>> e : h.events().entrySet()) {
      long admitted = e.getValue().stream().filter(s -> "ADMITTED".equals(s.to())).count();
      List<Attempt> attempts = h.attempts().getOrDefault(e.getKey(), List.of());
      if (admitted != attempts.size()) {
        out.add(
            "job "
                + e.getKey()
                + ": "
                + admitted
                + " ADMITTED events for "
                + attempts.size()
                + " attempts");
      }
    }
    for (List<Attempt> attempts : h.attempts().values()) {
      for (int i = 0; i < attempts.size(); i++) {
        Attempt a = attempts.get(i);
        if (a.attempt() != i + 1) {
          out.add("job " + a.jobId() + ": attempts not numbered 1.." + attempts.size());
          break;
        }
        if (i + 1 < attempts.size()) {
          Attempt next = attempts.get(i + 1);
          if (a.releasedAt() == null || next.admittedAt().isBefore(a.releasedAt())) {
            out.add(
                "job "
                    + a.jobId()
                    + ": attempt "
                    + next.attempt()
                    + " admitted at "
                    + next.admittedAt()
                    + " while attempt "
                    + a.attempt()
                    + " held its chips (released "
                    + a.releasedAt()
                    + ")");
          }
        }
      }
    }
    Map<String, Set<String>> processes = new HashMap<>();
    for (RankSighting r : ranks) {
      processes
          .computeIfAbsent(
              r.jobId() + " attempt " + r.attempt() + " rank " + r.rank(), k -> new HashSet<>())
          .add(r.pid() + "@" + r.startTicks());
    }
    processes.forEach(
        (rank, pids) -> {
          if (pids.size() > 1) {
            out.add("job " + rank + " launched as " + pids.size() + " processes " + pids);
          }
        });
    List<RankSighting> sorted = new ArrayList<>(ranks);
    sorted.sort(Comparator.comparing(RankSighting::jobId).thenComparing(RankSighting::first));
    Set<String> reported = new HashSet<>();
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        RankSighting a = sorted.get(i);
        RankSighting b = sorted.get(j);
        if (!a.jobId().equals(b.jobId())) {
          break;
        }
        if (a.attempt() != b.attempt()
            && !b.first().isAfter(a.last())
            && !a.first().isAfter(b.last())) {
          String what =
              "job "
                  + a.jobId()
                  + ": ranks of attempts "
                  + Math.min(a.attempt(), b.attempt())
                  + " and "
                  + Math.max(a.attempt(), b.attempt())
                  + " alive at once";
          if (reported.add(what)) {
            out.add(what);
          }
        }
      }
    }
  }

  static void chips(History h, List<String> out) {
    record Hold(String who, Instant from, Instant to) {}
    Map<String, List<Hold>> byChip = new HashMap<>();
    for (List<Attempt> attempts : h.attempts().values()) {
      for (Attempt a : attempts) {
        Instant to = a.releasedAt() == null ? h.now() : a.releasedAt();
        a.placement()
            .forEach(
                (node, chips) ->
                    chips.forEach(
                        chip ->
                            byChip
                                .computeIfAbsent(node + "/" + chip, k -> new ArrayList<>())
                                .add(new Hold(a.jobId() + "#" + a.attempt(), a.admittedAt(), to))));
      }
    }
    byChip.forEach(
        (chip, holds) -> {
          holds.sort(Comparator.comparing(Hold::from));
          Hold longest = null;
          for (Hold hold : holds) {
            if (longest != null && hold.from().isBefore(longest.to())) {
              out.add(
                  "chip "
                      + chip
                      + " held by "
                      + longest.who()
                      + " until "
                      + longest.to()
                      + " and by "
                      + hold.who()
                      + " from "
                      + hold.from());
            }
            if (longest == null || hold.to().isAfter(longest.to())) {
              longest = hold;
            }
          }
        });
  }

  static void promotions(Connection db, List<String> out) throws SQLException {
    try (PreparedStatement ps =
            db.prepareStatement(
                """
                SELECT p.id, p.state, p.ended_at, p.revision,
                       (SELECT count(*) FROM events e
                         WHERE e.type = 'promotion.state' AND e.subject = 'promotion/' || p.id
                           AND e.to_state IN ('ACTIVE', 'REJECTED', 'ROLLED_BACK')),
                       (SELECT count(*) FROM endpoint_revisions r WHERE r.promotion_id = p.id),
                       (SELECT min(r.revision) FROM endpoint_revisions r
                         WHERE r.promotion_id = p.id)
                  FROM promotions p ORDER BY p.created_at
                """);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        String state = rs.getString(2);
        boolean ended = rs.getTimestamp(3) != null;
        Integer revision = (Integer) rs.getObject(4);
        long endings = rs.getLong(5);
        long revisions = rs.getLong(6);
        Integer revisionRow = (Integer) rs.getObject(7);
        List<String> wrong = new ArrayList<>();
        if (!TERMINAL_PROMOTION.contains(state)) {
          wrong.add("not ended (" + state + ")");
        } else {
          if (!ended) {
            wrong.add(state + " without endedAt");
          }
          if (endings != 1) {
            wrong.add(endings + " terminal events");
          }
        }
        if ("ACTIVE".equals(state)
            && (revisions != 1 || revision == null || !revision.equals(revisionRow))) {
          wrong.add("ACTIVE with " + revisions + " revisions (promotion says " + revision + ")");
        } else if (revisions > 1) {
          wrong.add(revisions + " revisions");
        }
        if (!wrong.isEmpty()) {
          out.add("promotion " + id + ": " + String.join(", ", wrong));
        }
      }
    }
  }

  static void reports(Connection db, History h, List<AckedReport> acked, List<String> out)
      throws SQLException {
    Map<String, long[]> lastSeq = new HashMap<>();
    for (AckedReport r : acked) {
      String key = r.node() + " " + r.bootId();
      long[] max = lastSeq.computeIfAbsent(key, k -> new long[] {-1});
      max[0] = Math.max(max[0], r.seq());
    }
    for (Map.Entry<String, long[]> e : lastSeq.entrySet()) {
      String[] parts = e.getKey().split(" ");
      try (PreparedStatement ps =
          db.prepareStatement("SELECT boot_id, last_seq FROM nodes WHERE name = ?")) {
        ps.setString(1, parts[0]);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            out.add("node " + parts[0] + ": acknowledged reports, but no node");
            continue;
          }
          UUID boot = rs.getObject(1, UUID.class);
          long seq = rs.getLong(2);
          // A newer boot restarts seq: only the same boot's seq can be compared.
          if (boot != null && boot.toString().equals(parts[1]) && seq < e.getValue()[0]) {
            out.add(
                "node "
                    + parts[0]
                    + ": report seq "
                    + e.getValue()[0]
                    + " acknowledged, node's last seq "
                    + seq);
          }
        }
      }
    }
    for (AckedReport r : acked) {
      for (Line line : r.lines()) {
        if (line.attempt() == null || !mustHaveLanded(h, r, line)) {
          continue;
        }
        String sql =
            line.checkpoint()
                ? "SELECT count(*) FROM checkpoints WHERE job_id = ? AND step = ?"
                : "SELECT count(*) FROM job_progress WHERE job_id = ? AND step = ?"
                    + " AND rank = ? AND attempt = ?";
        long present =
            line.checkpoint()
                ? count(db, sql, line.jobId(), line.step())
                : count(db, sql, line.jobId(), line.step(), line.rank(), line.attempt());
        if (present == 0) {
          out.add(
              "node "
                  + r.node()
                  + " seq "
                  + r.seq()
                  + " (acknowledged "
                  + r.ackedAt()
                  + "): "
                  + (line.checkpoint() ? "checkpoint" : "progress")
                  + " of job "
                  + line.jobId()
                  + " attempt "
                  + line.attempt()
                  + " rank "
                  + line.rank()
                  + " step "
                  + line.step()
                  + " missing");
        }
      }
    }
  }

  /**
   * Whether ingest had to keep a line: its attempt was placed on the reporting node and still live
   * (admitted, starting or running) when the report was acknowledged.
   */
  private static boolean mustHaveLanded(History h, AckedReport r, Line line) {
    Attempt a = h.attempt(line.jobId(), line.attempt());
    if (a == null || !a.placement().containsKey(r.node())) {
      return false;
    }
    Instant until = h.liveUntil(line.jobId(), line.attempt());
    return until == null || r.ackedAt().plusMillis(LIVE_MARGIN_MS).isBefore(until);
  }

  static void orphans(Connection db, List<Leftover> leftovers, List<String> out)
      throws SQLException {
    Set<String> seen = new HashSet<>();
    for (Leftover p : leftovers) {
      if (p.jobId() != null) {
        String why = null;
        try (PreparedStatement ps =
            db.prepareStatement("SELECT state, attempt FROM jobs WHERE id = ?")) {
          ps.setObject(1, p.jobId());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              why = "its job does not exist";
            } else if (TERMINAL_JOB.contains(rs.getString(1))) {
              why = "its job is " + rs.getString(1);
            } else if (p.attempt() == null || rs.getInt(2) != p.attempt()) {
              why = "its job is at attempt " + rs.getInt(2);
            }
          }
        }
        if (why == null && !seen.add("rank " + p.jobId() + " " + p.attempt() + " " + p.rank())) {
          why = "a second process of the same rank";
        }
        if (why != null) {
          out.add(
              "pid "
                  + p.pid()
                  + " rank "
                  + p.rank()
                  + " of job "
                  + p.jobId()
                  + " attempt "
                  + p.attempt()
                  + ": "
                  + why);
        }
      } else if (p.endpoint() != null) {
        String why = null;
        try (PreparedStatement ps =
            db.prepareStatement(
                "SELECT current_revision, desired_replicas, state FROM endpoints WHERE name = ?")) {
          ps.setString(1, p.endpoint());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              why = "its endpoint does not exist";
            } else {
              Integer current = (Integer) rs.getObject(1);
              if (current == null || !current.equals(p.revision())) {
                why = "its endpoint serves revision " + current;
              } else if (p.replica() == null || p.replica() >= rs.getInt(2)) {
                why = "its endpoint wants " + rs.getInt(2) + " replicas";
              }
            }
          }
        }
        if (why == null
            && !seen.add("replica " + p.endpoint() + " " + p.revision() + " " + p.replica())) {
          why = "a second process of the same replica";
        }
        if (why != null) {
          out.add(
              "pid "
                  + p.pid()
                  + " replica "
                  + p.replica()
                  + " of "
                  + p.endpoint()
                  + " r"
                  + p.revision()
                  + ": "
                  + why);
        }
      } else {
        out.add("pid " + p.pid() + " (" + p.command() + "): neither a rank nor a replica");
      }
    }
  }

  static void unfinished(Connection db, List<String> out) throws SQLException {
    try (PreparedStatement ps =
            db.prepareStatement("SELECT id, name, state, reason FROM jobs ORDER BY created_at");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String state = rs.getString(3);
        String reason = rs.getString(4);
        if (!TERMINAL_JOB.contains(state)) {
          out.add("job " + rs.getString(2) + " (" + rs.getString(1) + ") still " + state);
        } else if ("FAILED".equals(state) && (reason == null || reason.isBlank())) {
          out.add("job " + rs.getString(2) + " (" + rs.getString(1) + ") FAILED without a reason");
        }
      }
    }
  }

  static void transitions(History h, List<String> out) {
    for (List<StateEvent> list : h.events().values()) {
      String previous = null;
      for (StateEvent e : list) {
        if (!java.util.Objects.equals(previous, e.from())) {
          out.add(
              "job "
                  + e.jobId()
                  + ": event "
                  + e.id()
                  + " moves "
                  + e.from()
                  + " → "
                  + e.to()
                  + " after "
                  + previous);
        }
        previous = e.to();
      }
    }
  }

  private static long count(Connection db, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
