package io.baton.agent;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code baton-agent}: subcommands for running, inspecting and simulating. */
@Command(
    name = "baton-agent",
    mixinStandardHelpOptions = true,
    version = "baton-agent 0.1.0",
    description = "Baton node agent: reports chip health and training progress to the orchestrator.")
public final class AgentMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage error. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new AgentMain()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
