package io.baton.agent;

import io.baton.agent.cli.DurationConverter;
import io.baton.agent.cli.InspectCommand;
import io.baton.agent.cli.RunCommand;
import io.baton.agent.cli.SimulateCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code baton-agent}: {@code run} (the node agent), {@code inspect} (one report,
 * printed) and {@code simulate} (a fleet of simulated agents).
 *
 * <p>Contract with the orchestrator: {@code POST <orchestrator>/api/v1/agents/reports} with {@code
 * Authorization: Bearer <token>} and a JSON body valid against {@code agent-report.schema.json}.
 * 2xx means applied (or already applied: {@code (bootId, seq)} makes retries idempotent); 408, 429
 * and 5xx are retried with backoff, other 4xx drop the report.
 */
@Command(
    name = "baton-agent",
    mixinStandardHelpOptions = true,
    version = "baton-agent 0.1.0",
    description =
        "Baton node agent: reports chip health and training progress to the orchestrator.")
public final class AgentMain implements Runnable {

  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // With fewer than 3 cores the common pool has parallelism 1, and CompletableFuture then runs
    // async stages, among them every HttpClient response, on a new thread each: at 1,000 reports/s
    // that thread churn costs more CPU than the requests. Must be set before either class loads.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(
          COMMON_POOL_PARALLELISM,
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
    System.exit(
        execute(
            System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage error. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(System.in, out, err, args);
  }

  static int execute(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    Clock clock = Clock.systemUTC();
    CommandLine commandLine =
        new CommandLine(new AgentMain())
            .addSubcommand(new InspectCommand(in, clock))
            .addSubcommand(new RunCommand(clock))
            .addSubcommand(new SimulateCommand(clock));
    commandLine.registerConverter(Duration.class, new DurationConverter());
    return commandLine.setOut(out).setErr(err).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
