package io.baton.agent.cli;

import io.baton.agent.collect.Collector;
import io.baton.agent.progress.ProgressTailer;
import io.baton.agent.report.Backoff;
import io.baton.agent.report.HttpReportSender;
import io.baton.agent.report.ReportBuffer;
import io.baton.agent.report.Reporter;
import io.baton.agent.report.Sleeper;
import io.baton.agent.run.AgentLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The node agent: collect, tail, report, repeat until killed. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Report this node's chips and its ranks' progress to the orchestrator every interval,"
          + " until killed (SIGTERM flushes once).",
      "Exit 2 on bad flags."
    })
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(RunCommand.class.getName());

  @Spec CommandSpec spec;

  @Mixin CollectorOptions collector;

  @Option(
      names = "--orchestrator",
      required = true,
      paramLabel = "URL",
      description = "Base URL of the orchestrator, e.g. http://baton:8080.")
  URI orchestrator;

  @Option(
      names = "--node",
      required = true,
      paramLabel = "NAME",
      description = "This node's name, as the orchestrator knows it.")
  String node;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "F",
      description =
          "File holding the node's bearer token; re-read for every report, so it can be rotated.")
  Path tokenFile;

  @Option(
      names = "--interval",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "Time between reports (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--progress-dir",
      paramLabel = "DIR",
      description = "Tail every *.jsonl under DIR: <jobId>/[<attempt>/]rank-<r>.jsonl.")
  Path progressDir;

  @Option(
      names = "--buffer-progress",
      defaultValue = "100000",
      paramLabel = "N",
      description =
          "Progress samples kept while the orchestrator is away; the oldest go first (default: ${DEFAULT-VALUE}).")
  int bufferProgress;

  @Option(
      names = "--request-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "Timeout of one report request (default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  @Option(
      names = "--flush-timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "How long the last flush on shutdown may take (default: ${DEFAULT-VALUE}).")
  Duration flushTimeout;

  private final Clock clock;

  public RunCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws InterruptedException {
    validate();
    Collector chips = collector.create();
    ProgressTailer tailer = progressDir == null ? null : new ProgressTailer(progressDir, clock);
    Reporter reporter =
        new Reporter(
            node,
            UUID.randomUUID(),
            new HttpReportSender(
                HttpReportSender.defaultClient(requestTimeout),
                orchestrator,
                this::token,
                requestTimeout),
            new ReportBuffer(bufferProgress),
            Backoff.DEFAULT,
            clock,
            new Random(),
            Sleeper.REAL);
    AgentLoop loop = new AgentLoop(chips, tailer, reporter, interval, flushTimeout, clock);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              loop.stop();
              try {
                finished.await(flushTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "baton-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    LOG.info(
        () ->
            "baton-agent "
                + node
                + " (boot "
                + reporter.bootId()
                + ") reporting "
                + collector.kind().flag()
                + " chips to "
                + orchestrator
                + " every "
                + interval.toMillis()
                + " ms");
    try {
      boolean delivered = loop.run();
      // JUL drops records once the JVM shuts down; the last words go to stderr directly.
      spec.commandLine()
          .getErr()
          .println(
              "baton-agent run: stopped after "
                  + reporter.delivered()
                  + " delivered reports"
                  + (delivered ? "" : "; the latest could not be delivered"));
      spec.commandLine().getErr().flush();
    } finally {
      finished.countDown();
    }
    return 0;
  }

  private void validate() {
    String scheme = orchestrator.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || orchestrator.getHost() == null) {
      throw usage("--orchestrator must be an http(s) URL, not '" + orchestrator + "'");
    }
    if (interval.isZero() || interval.isNegative()) {
      throw usage("--interval must be positive");
    }
    if (bufferProgress < 0) {
      throw usage("--buffer-progress must be >= 0");
    }
    if (!Files.isReadable(tokenFile)) {
      throw usage("--token-file " + tokenFile + " is not a readable file");
    }
    collector.validate();
  }

  private String token() {
    try {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + tokenFile, e);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
