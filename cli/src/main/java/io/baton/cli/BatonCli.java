package io.baton.cli;

import io.baton.cli.admin.NodeTokensCommand;
import io.baton.cli.admin.TokensCommand;
import io.baton.cli.api.ApiClient;
import io.baton.cli.api.ApiException;
import io.baton.cli.config.ContextCommand;
import io.baton.cli.config.LoginCommand;
import io.baton.cli.config.Target;
import io.baton.cli.fleet.NodesCommand;
import io.baton.cli.fleet.PoolsCommand;
import io.baton.cli.fleet.WhyCommand;
import io.baton.cli.handoff.ApproveCommand;
import io.baton.cli.handoff.CheckpointsCommand;
import io.baton.cli.handoff.EndpointCommand;
import io.baton.cli.handoff.EndpointsCommand;
import io.baton.cli.handoff.PromoteCommand;
import io.baton.cli.handoff.RejectCommand;
import io.baton.cli.handoff.RevisionsCommand;
import io.baton.cli.handoff.RollbackCommand;
import io.baton.cli.jobs.CancelCommand;
import io.baton.cli.jobs.EventsCommand;
import io.baton.cli.jobs.JobCommand;
import io.baton.cli.jobs.JobsCommand;
import io.baton.cli.jobs.LogsCommand;
import io.baton.cli.jobs.SubmitCommand;
import io.baton.cli.jobs.WatchCommand;
import io.baton.cli.watch.TimeoutException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code baton}: the command line of the Baton API, for a person at a terminal and for a pipeline.
 * Every subcommand is one or a few API calls; see docs/cli.md.
 */
@Command(
    name = "baton",
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "baton, the Baton command line",
    description = {
      "A command line for Baton: submit and watch training jobs, look at the fleet, promote"
          + " checkpoints to endpoints.",
      "Talks to $BATON_URL with $BATON_TOKEN when set, else to the saved context (baton login)."
    },
    subcommands = {
      LoginCommand.class,
      ContextCommand.class,
      SubmitCommand.class,
      JobsCommand.class,
      JobCommand.class,
      CancelCommand.class,
      LogsCommand.class,
      EventsCommand.class,
      WatchCommand.class,
      PoolsCommand.class,
      NodesCommand.class,
      WhyCommand.class,
      CheckpointsCommand.class,
      PromoteCommand.class,
      ApproveCommand.class,
      RejectCommand.class,
      EndpointsCommand.class,
      EndpointCommand.class,
      RevisionsCommand.class,
      RollbackCommand.class,
      TokensCommand.class,
      NodeTokensCommand.class,
      BatonCli.Completion.class,
      CommandLine.HelpCommand.class
    })
public final class BatonCli implements Runnable {

  private final Io io;
  @Spec CommandSpec spec;

  public BatonCli(Io io) {
    this.io = io;
  }

  public Io io() {
    return io;
  }

  @Override
  public void run() {
    spec.commandLine().usage(io.out());
  }

  public static void main(String[] args) {
    System.exit(execute(Io.system(), args));
  }

  /** Runs one command line against {@code io}; returns its exit code. */
  public static int execute(Io io, String... args) {
    return commandLine(io).execute(args);
  }

  /** The configured command line: streams, error handling, exit codes in every help text. */
  public static CommandLine commandLine(Io io) {
    CommandLine cli = new CommandLine(new BatonCli(io));
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(io, e));
    withExitCodes(cli);
    return cli;
  }

  private static void withExitCodes(CommandLine cli) {
    cli.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.described())
        .footer("%nSee docs/cli.md.");
    cli.getSubcommands().values().forEach(BatonCli::withExitCodes);
  }

  /** An exception out of a command: printed readably on stderr, answered with its exit code. */
  static int handle(Io io, Exception e) {
    if (e instanceof ApiException api) {
      api.readable()
          .forEach(line -> io.err().println(line.startsWith("  ") ? line : "baton: " + line));
      io.err().flush();
      return switch (api.status()) {
        case 404 -> ExitCodes.NOT_FOUND;
        case 401, 403 -> ExitCodes.UNAUTHORIZED;
        default -> ExitCodes.API_ERROR;
      };
    }
    if (e instanceof ApiClient.UnreachableException) {
      io.err().println("baton: " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    }
    if (e instanceof Target.NotLoggedInException) {
      io.err().println("baton: " + e.getMessage());
      return ExitCodes.UNAUTHORIZED;
    }
    if (e instanceof TimeoutException) {
      io.err().println("baton: " + e.getMessage());
      return ExitCodes.TIMEOUT;
    }
    if (e instanceof UncheckedIOException io2) {
      io.err().println("baton: " + io2.getMessage());
      return ExitCodes.ERROR;
    }
    io.err().println("baton: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    return ExitCodes.ERROR;
  }

  /** {@code baton completion [bash|zsh]}: the completion script for the shell. */
  @Command(
      name = "completion",
      description = {
        "Prints a completion script for bash or zsh.",
        "bash: source <(baton completion bash)",
        "zsh:  autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit;"
            + " source <(baton completion zsh)"
      })
  static final class Completion implements Runnable {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Parameters(
        arity = "0..1",
        paramLabel = "SHELL",
        defaultValue = "bash",
        description = "bash or zsh (one script serves both: zsh runs it through bashcompinit)")
    String shell;

    @Override
    public void run() {
      if (!shell.equals("bash") && !shell.equals("zsh")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "SHELL is bash or zsh");
      }
      CommandLine root = spec.root().commandLine();
      spec.commandLine().getOut().print(AutoComplete.bash("baton", root));
      spec.commandLine().getOut().flush();
    }
  }
}
