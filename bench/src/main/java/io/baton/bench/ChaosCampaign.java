package io.baton.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fault-injection campaign ({@code ./bench/run chaos}, and shortened in {@code
 * ChaosCampaignIT}). The orchestrator jar runs as a child process with the local backend on a
 * PostgreSQL the campaign owns (so the database can be stopped and its connections cut on their
 * own); its simulated agents and one real agent process ({@code baton-agent run} for the node
 * {@value #EDGE}, reporting through {@link ChaosAgentLink}) report chips and the demo trainer's
 * progress. A workload thread submits demo-trainer jobs (with an {@code Idempotency-Key}, retried
 * on connection errors and 5xx), injects chip faults (FAULT, SLOW, HANG, LINK_DOWN) and clears
 * them, and promotes finished jobs' checkpoints to an endpoint served by real replicas. Meanwhile
 * the campaign injects, one at a time and at seeded moments: {@code kill -9} of the orchestrator
 * (then a restart on the same data directory and port), PostgreSQL stopped and started again, its
 * connections terminated, and the real agent cut off for twice the node timeout and healed. Then it
 * drains (no new work; faults cleared) until every job and promotion has ended, and checks {@link
 * ChaosInvariants} from the database and {@code /proc}.
 */
final class ChaosCampaign {

  static final String EDGE = "ascend-910b-edge";
  private static final String POOL = "ascend-910b";
  private static final String ENDPOINT = "chaos-serving";
  private static final int SIM_NODES = 3;
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(4);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What is injected. */
  enum Kind {
    ORCHESTRATOR_KILL,
    POSTGRES_RESTART,
    POSTGRES_CUT,
    AGENT_CUT
  }

  /**
   * @param seed drives the script: kinds, moments and gaps of injections; the workload's choices
   * @param injections how many injections
   * @param maxDuration the injection phase stops at this, whatever the count
   * @param drainTimeout how long the drain may wait for every job and promotion to end
   * @param jobsInFlight submissions stop while this many accepted jobs have not ended
   * @param steps steps of each demo-trainer job
   * @param gapMillis the pause before an injection is drawn from [gapMillis, 2 × gapMillis)
   * @param promotionEvery seconds between promotions (0: none)
   */
  record Settings(
      long seed,
      int injections,
      Duration maxDuration,
      Duration drainTimeout,
      int jobsInFlight,
      int steps,
      long gapMillis,
      int promotionEvery) {}

  /** One injection and what became of it. */
  record Injection(int n, Kind kind, String moment, long atMs, long recoveryMs, String outcome) {
    static final String SKIPPED = "skipped";

    /** Whether the fault could not be set up, so nothing was injected. */
    boolean skipped() {
      return moment.equals(SKIPPED);
    }
  }

  record Result(
      Settings settings,
      List<Injection> injections,
      ChaosInvariants.Findings findings,
      long failoverMsMax,
      long durationMs,
      int accepted,
      int unaccepted,
      int faults,
      int promotions,
      int ackedReports,
      Map<String, Integer> jobStates,
      List<String> serverErrors) {}

  private final Path root;
  private final Path work;
  private final Settings settings;
  private final Random script;
  private final Random workload;
  private final List<ChaosInvariants.Accepted> accepted = new CopyOnWriteArrayList<>();
  private final Set<UUID> ended = ConcurrentHashMap.newKeySet();
  private final AtomicInteger unaccepted = new AtomicInteger();
  private final AtomicInteger faults = new AtomicInteger();
  private final AtomicInteger promotions = new AtomicInteger();
  // Every 500 the API answered: a database that is down or cut is a 503 (retry), never a 500.
  private final List<String> serverErrors = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stopWorkload = new AtomicBoolean();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Consumer<String> log;
  private final Instant started = Instant.now();

  private ChaosPostgres postgres;
  private volatile Orchestrator orchestrator;
  private ChaosAgentLink link;
  private Process agent;
  private ChaosProcesses processes;
  private int port;
  private String token;

  ChaosCampaign(Path root, Path work, Settings settings, Consumer<String> log) {
    this.root = root;
    this.work = work;
    this.settings = settings;
    this.script = new Random(settings.seed());
    this.workload = new Random(settings.seed() * 31 + 7);
    this.log = log;
  }

  Result run() throws Exception {
    Path data = work.resolve("data");
    Files.createDirectories(data);
    processes = new ChaosProcesses(data);
    postgres = ChaosPostgres.start(work.resolve("pg"));
    port = Orchestrator.freePort();
    List<Injection> done = new ArrayList<>();
    Thread sampler = null;
    Thread driver = null;
    try {
      start();
      token = Files.readString(data.resolve("admin-token")).trim();
      startEdgeAgent();
      Instant reporting = Instant.now().plusSeconds(60);
      while (nodeState(EDGE).filter(s -> s.equals("READY")).isEmpty()) {
        if (Instant.now().isAfter(reporting)) {
          throw new IllegalStateException(
              "the edge agent's node "
                  + EDGE
                  + " is not READY 60 s after its start: see agent.log");
        }
        Thread.sleep(200);
      }
      sampler = daemon("chaos-sampler", this::sampleLoop);
      driver = daemon("chaos-workload", this::workloadLoop);
      Instant deadline = started.plus(settings.maxDuration());
      // Skipped injections (the fault could not be set up) are listed but do not count.
      int counted = 0;
      for (int n = 1; counted < settings.injections() && Instant.now().isBefore(deadline); n++) {
        Thread.sleep(settings.gapMillis() + script.nextLong(settings.gapMillis()));
        Injection injection = inject(n, pick());
        done.add(injection);
        if (!injection.skipped()) {
          counted++;
        }
        log.accept(
            String.format(
                "injection %3d at %7d ms %-18s %-13s recovered in %6d ms: %s",
                n,
                injection.atMs(),
                injection.kind(),
                injection.moment(),
                injection.recoveryMs(),
                injection.outcome()));
      }
      stopWorkload.set(true);
      driver.join(30_000);
      drain();
      List<ChaosInvariants.Leftover> leftovers = settledLeftovers();
      ChaosInvariants.Observations seen =
          new ChaosInvariants.Observations(
              List.copyOf(accepted), link.acked(), processes.sightings(), leftovers);
      ChaosInvariants.Findings findings;
      Map<String, Integer> states;
      try (Connection db = postgres.connect()) {
        findings = ChaosInvariants.check(db, seen);
        states = jobStates(db);
      }
      long failoverMax =
          done.stream()
              .filter(i -> i.kind() == Kind.ORCHESTRATOR_KILL)
              .mapToLong(Injection::recoveryMs)
              .max()
              .orElse(0);
      return new Result(
          settings,
          done,
          findings,
          failoverMax,
          Duration.between(started, Instant.now()).toMillis(),
          accepted.size(),
          unaccepted.get(),
          faults.get(),
          promotions.get(),
          link.acked().size(),
          states,
          serverErrorsSeen());
    } finally {
      stopWorkload.set(true);
      if (sampler != null) {
        sampler.interrupt();
      }
      cleanUp();
    }
  }

  /**
   * The 500s of the campaign's own requests, and those of every other client (the agents): each 500
   * the orchestrator answers logs {@code Unexpected error, reference …} with its exception.
   */
  private List<String> serverErrorsSeen() throws IOException {
    List<String> all = new ArrayList<>(serverErrors);
    Path log = work.resolve("orchestrator.log");
    if (Files.exists(log)) {
      List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("Unexpected error, reference")) {
          String cause =
              lines.stream().skip(i + 1).limit(4).filter(l -> !l.isBlank()).findFirst().orElse("");
          all.add(
              "logged: " + lines.get(i).replaceAll(".*Unexpected", "Unexpected") + " — " + cause);
        }
      }
    }
    return all;
  }

  // ---- the orchestrator, the database, the real agent ----

  private void start() throws Exception {
    Path data = work.resolve("data");
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + postgres.jdbcUrl());
    args.add("--spring.datasource.username=postgres");
    args.add("--spring.datasource.hikari.connection-timeout=5000");
    args.add("--baton.cluster.local.agent-interval=500ms");
    args.add("--baton.nodes.report-interval=1s");
    args.add("--baton.nodes.timeout=" + NODE_TIMEOUT.toSeconds() + "s");
    // The pools, whole (a list is replaced, not merged): short isolation cooldowns and hang
    // floors, so that injected faults cost minutes of capacity in neither run.
    String[][] pools = {
      {POOL, "TRAINING", "ascend-910b", Integer.toString(SIM_NODES), "huawei.com/Ascend910"},
      {"nvidia-h100", "INFERENCE", "nvidia-h100", "1", "nvidia.com/gpu"}
    };
    for (int i = 0; i < pools.length; i++) {
      String p = "--baton.pools[" + i + "].";
      args.add(p + "name=" + pools[i][0]);
      args.add(p + "role=" + pools[i][1]);
      args.add(p + "accelerator=" + pools[i][2]);
      args.add(p + "nodes=" + pools[i][3]);
      args.add(p + "chips-per-node=8");
      args.add(p + "resource-name=" + pools[i][4]);
      args.add(p + "isolation-cooldown=3s");
      args.add(p + "hang-timeout-floor=2s");
    }
    orchestrator =
        Orchestrator.launch(
            root,
            data,
            port,
            ProcessBuilder.Redirect.appendTo(work.resolve("orchestrator.log").toFile()),
            // Starts sooner (C1 only, a small heap, the serial collector, classes from a
            // class-data-sharing archive): a restart is the failover time of the local backend.
            List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
            args,
            true);
    orchestrator.awaitHealthy(Duration.ofSeconds(600));
  }

  private void startEdgeAgent() throws Exception {
    Path tokens = work.resolve("edge-token");
    HttpResponse<String> issued =
        send(
            "POST",
            "/api/v1/admin/node-tokens",
            JSON.writeValueAsString(Map.of("pool", POOL, "nodes", List.of(EDGE))),
            null);
    if (issued.statusCode() != 201) {
      throw new IllegalStateException("issuing the edge token: " + issued.body());
    }
    Files.writeString(
        tokens, JSON.readTree(issued.body()).get("items").get(0).get("token").asString());
    link = new ChaosAgentLink(Orchestrator.freePort(), URI.create("http://127.0.0.1:" + port));
    Path progress = work.resolve("data").resolve("nodes").resolve(EDGE).resolve("progress");
    Files.createDirectories(progress);
    // Every failed delivery and retry in agent.log, not just the first of a run of them.
    Path logging = work.resolve("agent-logging.properties");
    Files.writeString(
        logging,
        """
        handlers=java.util.logging.ConsoleHandler
        java.util.logging.ConsoleHandler.level=FINE
        io.baton.agent.report.level=FINE
        """);
    agent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-Djava.util.logging.config.file=" + logging,
                "-jar",
                root.resolve("agents/target/baton-agent.jar").toString(),
                "run",
                "--orchestrator",
                "http://127.0.0.1:" + link.port(),
                "--node",
                EDGE,
                "--token-file",
                tokens.toString(),
                "--interval",
                "500ms",
                "--request-timeout",
                "3s",
                "--progress-dir",
                progress.toString(),
                "--collector",
                "sim",
                "--sim-chips",
                "8")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("agent.log").toFile()))
            .start();
  }

  private void cleanUp() {
    try {
      if (orchestrator != null) {
        orchestrator.close();
      }
    } catch (Exception e) {
      log.accept("stopping the orchestrator: " + e);
    }
    if (agent != null) {
      agent.destroy();
    }
    if (link != null) {
      link.close();
    }
    if (processes != null) {
      processes.killAll(Set.of());
    }
    try {
      if (postgres != null) {
        postgres.close();
      }
    } catch (IOException e) {
      log.accept("stopping PostgreSQL: " + e);
    }
  }

  // ---- injections ----

  private Kind pick() {
    int roll = script.nextInt(100);
    if (roll < 35) {
      return Kind.ORCHESTRATOR_KILL;
    }
    if (roll < 55) {
      return Kind.POSTGRES_RESTART;
    }
    if (roll < 80) {
      return Kind.POSTGRES_CUT;
    }
    return Kind.AGENT_CUT;
  }

  private Injection inject(int n, Kind kind) throws Exception {
    long at = Duration.between(started, Instant.now()).toMillis();
    switch (kind) {
      case ORCHESTRATOR_KILL -> {
        String moment =
            awaitMoment(
                List.of("any", "mid-round", "mid-recovery", "mid-gate", "mid-rollout")
                    .get(script.nextInt(5)));
        long t0 = System.nanoTime();
        orchestrator.kill();
        start();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Injection(n, kind, moment, at, ms, "restarted, API serving again");
      }
      case POSTGRES_RESTART -> {
        long down = 1000 + script.nextInt(3000);
        long t0 = System.nanoTime();
        postgres.stop();
        Thread.sleep(down);
        postgres.start();
        awaitServing();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Injection(
            n, kind, "under load", at, ms, "down " + down + " ms, API healthy again");
      }
      case POSTGRES_CUT -> {
        long t0 = System.nanoTime();
        int cut = postgres.cutConnections();
        awaitServing();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Injection(n, kind, "under load", at, ms, cut + " connections terminated");
      }
      case AGENT_CUT -> {
        // After an orchestrator restart or an earlier cut the agent may still be backing off (up
        // to its 30 s cap): the cut starts once the node is READY again, 90 s at most. A cut of a
        // node that is not reporting would test nothing, so it is skipped.
        Instant reporting = Instant.now().plusSeconds(90);
        while (nodeState(EDGE).filter(s -> s.equals("READY")).isEmpty()
            && Instant.now().isBefore(reporting)) {
          Thread.sleep(200);
        }
        java.util.Optional<String> before = nodeState(EDGE);
        if (before.filter(s -> s.equals("READY")).isEmpty()) {
          return new Injection(
              n,
              kind,
              Injection.SKIPPED,
              at,
              0,
              "node not READY for 90 s before the cut (" + before.orElse("unknown") + ")");
        }
        Instant cutAt = Instant.now();
        long t0 = System.nanoTime();
        link.cut();
        // Cut for twice the node timeout, and on until the orchestrator has marked the node LOST
        // (its sweep may run late on a busy machine), 30 s at most.
        Thread.sleep(2 * NODE_TIMEOUT.toMillis());
        Instant cutUntil = cutAt.plusSeconds(30);
        boolean lost = nodeWent(EDGE, "LOST", cutAt);
        while (!lost && Instant.now().isBefore(cutUntil)) {
          Thread.sleep(200);
          lost = nodeWent(EDGE, "LOST", cutAt);
        }
        link.heal();
        if (!lost && nodeState(EDGE).filter(s -> s.equals("LOST")).isPresent()) {
          return new Injection(
              n, kind, Injection.SKIPPED, at, 0, "node LOST before the cut (agent backing off)");
        }
        boolean back = false;
        Instant until = Instant.now().plusSeconds(60);
        while (lost && !back && Instant.now().isBefore(until)) {
          back = nodeState(EDGE).filter(s -> !s.equals("LOST")).isPresent();
          if (!back) {
            Thread.sleep(200);
          }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Injection(
            n,
            kind,
            "2 × " + NODE_TIMEOUT.toSeconds() + " s",
            at,
            ms,
            (lost ? "node LOST" : "node NOT marked LOST in 30 s")
                + ", "
                + (back ? "reporting again after the heal" : "not back 60 s after the heal"));
      }
      default -> throw new IllegalStateException();
    }
  }

  /** Waits (≤ 8 s) for a moment worth killing at; says which moment it got. */
  private String awaitMoment(String wanted) throws InterruptedException {
    String sql =
        switch (wanted) {
          case "mid-round" -> "SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'ADMITTED')";
          case "mid-recovery" -> "SELECT count(*) FROM jobs WHERE state = 'RECOVERING'";
          case "mid-gate" ->
              "SELECT count(*) FROM promotions"
                  + " WHERE state IN ('VERIFYING', 'CONVERTING', 'EVALUATING', 'PARITY')";
          case "mid-rollout" -> "SELECT count(*) FROM promotions WHERE state = 'ROLLING_OUT'";
          default -> null;
        };
    if (sql == null) {
      return wanted;
    }
    Instant until = Instant.now().plusSeconds(8);
    while (Instant.now().isBefore(until)) {
      try (Connection db = postgres.connect();
          PreparedStatement ps = db.prepareStatement(sql);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return wanted;
        }
      } catch (SQLException e) {
        // the database is restarting: try again
      }
      Thread.sleep(50);
    }
    return "any (no " + wanted + ")";
  }

  private void awaitServing() throws Exception {
    Instant until = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(until)) {
      if (!orchestrator.process.isAlive()) {
        log.accept("the orchestrator exited on its own; restarting it");
        start();
        return;
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still down
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the orchestrator did not serve again within 120 s");
  }

  private boolean nodeWent(String node, String state, Instant since) {
    try (Connection db = postgres.connect();
        PreparedStatement ps =
            db.prepareStatement(
                "SELECT count(*) FROM events WHERE type = 'node.state' AND subject = ?"
                    + " AND to_state = ? AND at >= ?")) {
      ps.setString(1, "node/" + node);
      ps.setString(2, state);
      ps.setTimestamp(3, java.sql.Timestamp.from(since));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    } catch (SQLException e) {
      return false;
    }
  }

  private java.util.Optional<String> nodeState(String node) {
    try (Connection db = postgres.connect();
        PreparedStatement ps = db.prepareStatement("SELECT state FROM nodes WHERE name = ?")) {
      ps.setString(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      return java.util.Optional.empty();
    }
  }

  // ---- the workload ----

  private void workloadLoop() {
    long nextSubmit = 0;
    long nextPromotion = System.currentTimeMillis() + settings.promotionEvery() * 1000L;
    Map<String, Long> clears = new LinkedHashMap<>();
    int submitted = 0;
    while (!stopWorkload.get()) {
      try {
        long now = System.currentTimeMillis();
        refreshEnded();
        if (now >= nextSubmit && accepted.size() - ended.size() < settings.jobsInFlight()) {
          submit("chaos-" + settings.seed() + "-" + (++submitted));
          nextSubmit = now + 500 + workload.nextInt(1500);
        }
        if (workload.nextInt(100) < 12) {
          String node = POOL + "-" + workload.nextInt(SIM_NODES);
          int chip = workload.nextInt(8);
          String kind = List.of("FAULT", "SLOW", "HANG", "LINK_DOWN").get(workload.nextInt(4));
          ObjectNode fault = JSON.createObjectNode().put("node", node).put("chip", chip);
          fault.put("kind", kind);
          if (kind.equals("SLOW")) {
            fault.put("factor", 2.0);
          }
          if (kind.equals("FAULT")) {
            fault.put("health", "FAULT");
          }
          if (quietly("POST", "/api/v1/simulation/faults", fault.toString())) {
            faults.incrementAndGet();
            clears.put(node + "&chip=" + chip, now + 2000 + workload.nextInt(4000));
          }
        }
        for (var it = clears.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (e.getValue() <= now) {
            quietly("DELETE", "/api/v1/simulation/faults?node=" + e.getKey(), null);
            it.remove();
          }
        }
        if (settings.promotionEvery() > 0 && now >= nextPromotion) {
          promote();
          nextPromotion = now + settings.promotionEvery() * 1000L;
        }
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        log.accept("workload: " + e);
      }
    }
    clears.keySet().forEach(k -> quietly("DELETE", "/api/v1/simulation/faults?node=" + k, null));
  }

  private void submit(String key) throws Exception {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", key);
    spec.put("team", "bench");
    spec.put("pool", POOL);
    ArrayNode command = spec.putArray("command");
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
            "train",
            "--steps",
            Integer.toString(settings.steps()),
            "--step-millis",
            "30",
            "--checkpoint-every",
            "25",
            "--peer-timeout",
            "20s")) {
      command.add(arg);
    }
    spec.put("nodes", workload.nextInt(5) == 0 ? 2 : 1);
    spec.put("chipsPerNode", 4);
    spec.put("maxRestarts", 8);
    spec.put("hangTimeout", "PT3S");
    Instant until = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(until) && !stopWorkload.get()) {
      try {
        HttpResponse<String> r = send("POST", "/api/v1/jobs", spec.toString(), key);
        if (r.statusCode() / 100 == 2) {
          accepted.add(
              new ChaosInvariants.Accepted(
                  key, UUID.fromString(JSON.readTree(r.body()).get("id").asString())));
          return;
        }
        if (r.statusCode() / 100 == 4 && r.statusCode() != 409 && r.statusCode() != 429) {
          log.accept("submission " + key + " refused: " + r.statusCode() + " " + r.body());
          unaccepted.incrementAndGet();
          return;
        }
      } catch (IOException connection) {
        // the orchestrator is down or restarting: the same key again
      }
      Thread.sleep(500);
    }
    unaccepted.incrementAndGet();
  }

  private void promote() {
    if (count("SELECT count(*) FROM promotions WHERE ended_at IS NULL") != 0) {
      return;
    }
    String checkpoint = null;
    try (Connection db = postgres.connect();
        PreparedStatement ps =
            db.prepareStatement(
                "SELECT c.id FROM checkpoints c JOIN jobs j ON j.id = c.job_id"
                    + " WHERE j.state = 'SUCCEEDED' AND c.deleted_at IS NULL"
                    + " ORDER BY c.reported_at DESC LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        checkpoint = rs.getString(1);
      }
    } catch (SQLException e) {
      return;
    }
    if (checkpoint == null) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("checkpointId", checkpoint);
    body.put("endpoint", ENDPOINT);
    body.put("replicas", 1);
    // Not retried: a promotion has no Idempotency-Key, so a retry could start a second one.
    if (quietly("POST", "/api/v1/promotions", body.toString())) {
      promotions.incrementAndGet();
    }
  }

  private void refreshEnded() {
    try (Connection db = postgres.connect();
        PreparedStatement ps =
            db.prepareStatement(
                "SELECT id FROM jobs WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ended.add(rs.getObject(1, UUID.class));
      }
    } catch (SQLException e) {
      // the database is down: the count stays
    }
  }

  private void drain() throws Exception {
    quietly("DELETE", "/api/v1/simulation/faults", null);
    link.heal();
    Instant until = Instant.now().plus(settings.drainTimeout());
    while (Instant.now().isBefore(until)) {
      long open =
          count(
              "SELECT (SELECT count(*) FROM jobs WHERE state NOT IN"
                  + " ('SUCCEEDED', 'FAILED', 'CANCELLED'))"
                  + " + (SELECT count(*) FROM promotions WHERE ended_at IS NULL)");
      if (open == 0) {
        return;
      }
      if (!orchestrator.process.isAlive()) {
        log.accept("the orchestrator exited during the drain; restarting it");
        start();
      }
      Thread.sleep(500);
    }
    log.accept("drain: not everything ended within " + settings.drainTimeout());
  }

  /** What is left once it had a few seconds to go away (ranks of ended jobs exit promptly). */
  private List<ChaosInvariants.Leftover> settledLeftovers() throws Exception {
    Set<Long> ours = new HashSet<>();
    ours.add(orchestrator.process.pid());
    ours.add(agent.pid());
    Instant until = Instant.now().plusSeconds(15);
    List<ChaosInvariants.Leftover> left = processes.leftovers(ours);
    while (Instant.now().isBefore(until)) {
      try (Connection db = postgres.connect()) {
        List<String> orphans = new ArrayList<>();
        ChaosInvariants.orphans(db, left, orphans);
        if (orphans.isEmpty()) {
          return left;
        }
      }
      Thread.sleep(500);
      left = processes.leftovers(ours);
    }
    return left;
  }

  private Map<String, Integer> jobStates(Connection db) throws SQLException {
    Map<String, Integer> states = new LinkedHashMap<>();
    try (PreparedStatement ps =
            db.prepareStatement(
                "SELECT coalesce(state || CASE WHEN state = 'FAILED' THEN ': ' || reason ELSE ''"
                    + " END, state), count(*) FROM jobs GROUP BY 1 ORDER BY 2 DESC");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        states.put(rs.getString(1), rs.getInt(2));
      }
    }
    return states;
  }

  private void sampleLoop() {
    while (!Thread.currentThread().isInterrupted()) {
      processes.sample(Instant.now());
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  // ---- plumbing ----

  private long count(String sql) {
    try (Connection db = postgres.connect();
        PreparedStatement ps = db.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  private boolean quietly(String method, String path, String body) {
    try {
      return send(method, path, body, null).statusCode() / 100 == 2;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private HttpResponse<String> send(String method, String path, String body, String key)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token);
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 500) {
      String body500 = response.body();
      serverErrors.add(
          method
              + " "
              + path
              + " → 500 "
              + (body500.length() > 300 ? body500.substring(0, 300) + "…" : body500));
    }
    return response;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
