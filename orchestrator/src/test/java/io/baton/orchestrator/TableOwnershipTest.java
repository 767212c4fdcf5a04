package io.baton.orchestrator;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A table is written only by the feature that owns it: every SQL write in the main sources ({@code
 * INSERT INTO}, {@code UPDATE}, {@code DELETE FROM}, {@code MERGE INTO}, {@code TRUNCATE}; an
 * {@code ON CONFLICT … DO UPDATE} writes its insert's table) must come from the owner's package.
 * Other features go through the owner's API. The migrations ({@code sql/}) are exempt; so are the
 * database's own triggers, which are listed with the table they write.
 */
class TableOwnershipTest {

  /**
   * Every table the migrations create, and the one feature that writes it. Triggers: {@code
   * goodput_record_attempt} on {@code jobs} fills {@code job_attempts} (goodput's); Quartz writes
   * its {@code qrtz_*} tables itself (its job store, set up by persistence).
   */
  static final Map<String, String> OWNERS =
      Map.ofEntries(
          entry("jobs", "jobs"),
          entry("job_progress", "jobs"),
          entry("job_attempts", "goodput"),
          entry("goodput_jobs", "goodput"),
          entry("goodput_days", "goodput"),
          entry("checkpoints", "checkpoints"),
          entry("allocations", "scheduling"),
          entry("nodes", "pools"),
          entry("tasks", "cluster"),
          entry("chip_slowdowns", "cluster"),
          entry("isolations", "isolation"),
          entry("fault_signals", "isolation"),
          entry("fault_occurrences", "isolation"),
          entry("fault_restarts", "isolation"),
          entry("events", "events"),
          entry("event_purge_horizon", "events"),
          entry("leases", "leadership"),
          entry("api_tokens", "auth"),
          entry("node_tokens", "security"),
          entry("cluster_secrets", "persistence"),
          entry("promotions", "promotion"),
          entry("endpoints", "endpoints"),
          entry("endpoint_revisions", "endpoints"),
          entry("rollouts", "endpoints"),
          entry("webhooks", "webhooks"),
          entry("webhook_deliveries", "webhooks"),
          entry("webhook_dispatch_cursor", "webhooks"),
          entry("idempotency_keys", "idempotency"),
          entry("qrtz_blob_triggers", "persistence"),
          entry("qrtz_calendars", "persistence"),
          entry("qrtz_cron_triggers", "persistence"),
          entry("qrtz_fired_triggers", "persistence"),
          entry("qrtz_job_details", "persistence"),
          entry("qrtz_locks", "persistence"),
          entry("qrtz_paused_trigger_grps", "persistence"),
          entry("qrtz_scheduler_state", "persistence"),
          entry("qrtz_simple_triggers", "persistence"),
          entry("qrtz_simprop_triggers", "persistence"),
          entry("qrtz_triggers", "persistence"));

  private static final Path SOURCES = Path.of("src", "main", "java", "io", "baton", "orchestrator");
  private static final Path MIGRATIONS = Path.of("..", "sql");

  /** A write and the table it writes. */
  private static final Pattern WRITE =
      Pattern.compile(
          "\\b(INSERT\\s+INTO|MERGE\\s+INTO|DELETE\\s+FROM|TRUNCATE(?:\\s+TABLE)?|UPDATE)"
              + "\\s+(?:ONLY\\s+)?([A-Za-z_][A-Za-z0-9_]*)");

  /** What follows the write's keyword when the table is concatenated in at run time. */
  private static final Set<String> KEYWORDS = Set.of("set", "select", "values", "where", "as");

  private static final String RUNTIME_TABLE = "<named at run time>";

  /** Words before an {@code UPDATE} that make it no write of its own: a row lock, an upsert. */
  private static final Pattern NOT_A_WRITE = Pattern.compile("(?:FOR|KEY|DO|ON)\\s*$");

  private static final Pattern CREATE_TABLE =
      Pattern.compile(
          "CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([A-Za-z_][A-Za-z0-9_]*)",
          Pattern.CASE_INSENSITIVE);

  /**
   * Helpers that write a table their caller names (the statement's table is not a literal), with
   * how a call names it: each call must name a table of the calling feature.
   */
  static final Map<String, Pattern> WRITES_FOR_THE_CALLER =
      Map.of("persistence/RowClaims.java", Pattern.compile("tryClaim\\(\\s*\"([a-z_]+)\""));

  record Write(String feature, String table, Path file) {}

  @Test
  void everyTableTheMigrationsCreateHasAnOwner() throws IOException {
    Set<String> created = new TreeSet<>();
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
        Matcher m = CREATE_TABLE.matcher(Files.readString(file));
        while (m.find()) {
          created.add(m.group(1).toLowerCase(Locale.ROOT));
        }
      }
    }
    assertThat(created).as("tables the migrations create").isNotEmpty();
    assertThat(created)
        .as("tables without an owner: add each to TableOwnershipTest.OWNERS with its feature")
        .allMatch(OWNERS::containsKey);
  }

  @Test
  void aTableIsWrittenOnlyByTheFeatureThatOwnsIt() throws IOException {
    List<Write> writes = writes();
    assertThat(writes).as("SQL writes found in the main sources").isNotEmpty();
    List<String> unknown = new ArrayList<>();
    List<String> foreign = new ArrayList<>();
    for (Write write : writes) {
      if (write.table().equals(RUNTIME_TABLE)) {
        if (!WRITES_FOR_THE_CALLER.containsKey(slashed(write.file()))) {
          unknown.add(
              "a table named at run time in "
                  + write.file()
                  + " (name it in the statement, or list the helper in WRITES_FOR_THE_CALLER)");
        }
        continue;
      }
      String owner = OWNERS.get(write.table());
      if (owner == null) {
        unknown.add(write.table() + " in " + write.file());
      } else if (!owner.equals(write.feature())) {
        foreign.add(
            write.file()
                + " ("
                + write.feature()
                + ") writes "
                + write.table()
                + ", "
                + owner
                + "'s: go through "
                + owner
                + "'s API");
      }
    }
    assertThat(unknown).as("writes to tables no migration creates (or with no owner)").isEmpty();
    assertThat(foreign).as("writes to another feature's table").isEmpty();
  }

  @Test
  void aHelperThatWritesTheCallersTableIsCalledOnlyWithTheCallersOwnTables() throws IOException {
    List<String> foreign = new ArrayList<>();
    int calls = 0;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() < 2) {
          continue;
        }
        String feature = relative.getName(0).toString();
        String code = Files.readString(file);
        for (Map.Entry<String, Pattern> helper : WRITES_FOR_THE_CALLER.entrySet()) {
          Matcher m = helper.getValue().matcher(code);
          while (m.find()) {
            calls++;
            if (!feature.equals(OWNERS.get(m.group(1)))) {
              foreign.add(
                  relative + " (" + feature + ") has " + helper.getKey() + " write " + m.group(1));
            }
          }
        }
      }
    }
    assertThat(calls).as("calls of helpers that write the caller's table").isPositive();
    assertThat(foreign).as("helpers writing another feature's table").isEmpty();
  }

  @Test
  void theScanSeesWhatItLooksFor() {
    assertThat(
            tables(
                literals(
                    "// \"DELETE FROM x\"\n var a = \"http://h\"; /* \"UPDATE y SET\" */"
                        + " sql(\"UPDATE \" + \"jobs SET a = '\\\"'\")")))
        .containsExactly("jobs");
    assertThat(tables(literals("sql(\"UPDATE \" + table + \" SET claimed_by = ?\")")))
        .containsExactly(RUNTIME_TABLE);
    assertThat(tables("UPDATE jobs SET x = 1 WHERE id = ? FOR UPDATE")).containsExactly("jobs");
    assertThat(tables("SELECT 1 FROM nodes FOR NO KEY UPDATE SKIP LOCKED")).isEmpty();
    assertThat(tables("INSERT INTO a (x) VALUES (1) ON CONFLICT (x) DO UPDATE SET x = 2"))
        .containsExactly("a");
    assertThat(tables("WITH d AS (DELETE FROM b RETURNING *) TRUNCATE TABLE c"))
        .containsExactly("b", "c");
    assertThat(tables("SELECT * FROM jobs WHERE id = ? FOR UPDATE OF jobs")).isEmpty();
  }

  private static List<String> tables(String sql) {
    List<String> tables = new ArrayList<>();
    Matcher m = WRITE.matcher(sql);
    while (m.find()) {
      boolean update = m.group(1).equals("UPDATE");
      if (update
          && NOT_A_WRITE.matcher(sql.substring(Math.max(0, m.start() - 16), m.start())).find()) {
        continue;
      }
      String table = m.group(2).toLowerCase(Locale.ROOT);
      tables.add(KEYWORDS.contains(table) ? RUNTIME_TABLE : table);
    }
    return tables;
  }

  /** Every write in the main sources: the string literals of each file, comments left out. */
  static List<Write> writes() throws IOException {
    List<Write> writes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() < 2) {
          continue;
        }
        String feature = relative.getName(0).toString();
        for (String table : tables(literals(Files.readString(file)))) {
          writes.add(new Write(feature, table, relative));
        }
      }
    }
    return writes;
  }

  /**
   * The contents of a Java file's string literals and text blocks, each followed by a space (so a
   * statement split over concatenated literals reads whole); comments and char literals skipped.
   */
  static String literals(String code) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = code.length();
    while (i < n) {
      char c = code.charAt(i);
      if (code.startsWith("//", i)) {
        int end = code.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (code.startsWith("/*", i)) {
        int end = code.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (code.startsWith("\"\"\"", i)) {
        int end = code.indexOf("\"\"\"", i + 3);
        while (end > 0 && code.charAt(end - 1) == '\\') {
          end = code.indexOf("\"\"\"", end + 1);
        }
        end = end < 0 ? n : end;
        out.append(code, i + 3, end).append(' ');
        i = end + 3;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && code.charAt(j) != c && code.charAt(j) != '\n') {
          j += code.charAt(j) == '\\' ? 2 : 1;
        }
        if (c == '"') {
          out.append(code, i + 1, Math.min(j, n)).append(' ');
        }
        i = j + 1;
      } else {
        i++;
      }
    }
    return out.toString();
  }

  private static String slashed(Path path) {
    return path.toString().replace(java.io.File.separatorChar, '/');
  }
}
