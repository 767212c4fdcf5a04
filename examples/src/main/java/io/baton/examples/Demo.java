package io.baton.examples;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The demo model's command line: {@code train} runs one rank of a real (if small) data-parallel
 * training job under Baton's launch contract; {@code serve} answers predictions from one of its
 * checkpoints. Exit codes: 0 done, 1 failure (I/O, bad checkpoint), 2 usage, 3 a peer rank was
 * lost.
 */
public final class Demo {

  static final String USAGE =
      """
      usage: java -jar baton-examples.jar train [--steps 600] [--checkpoint-every 100]
                 [--step-millis 80] [--batch 64] [--lr 0.05] [--seed 42] [--features 24]
                 [--peer-timeout 30s] [--rendezvous-timeout 2m]
               environment: BATON_JOB_ID BATON_RANK BATON_WORLD_SIZE BATON_MASTER_ADDR
                 BATON_MASTER_PORT BATON_PROGRESS_FILE BATON_CHECKPOINT_DIR BATON_RESUME_FROM
                 (RANK WORLD_SIZE MASTER_ADDR MASTER_PORT when the BATON_ ones are unset)
                 ASCEND_RT_VISIBLE_DEVICES; BATON_SIM_FAULTS (simulated SLOW/HANG chips)
               --step-millis is simulated compute per step, before the gradient exchange
             java -jar baton-examples.jar serve --checkpoint PATH [--port 0] [--bind 127.0.0.1]
               prints "LISTENING <port>" once ready; PORT is used when --port is not given
      """;

  private Demo() {}

  public static void main(String[] args) {
    System.exit(run(System.getenv(), List.of(args), System.out, System.err));
  }

  /** Runs one subcommand and returns its exit code; {@code serve} returns once the server stops. */
  static int run(Map<String, String> env, List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? DemoException.Kind.USAGE.exitCode : 0;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      return switch (args.get(0)) {
        case "train" -> {
          new Trainer(TrainConfig.from(env, rest), out, err).run();
          yield 0;
        }
        case "serve" -> serve(PredictServer.Options.from(env, rest), out);
        default -> throw DemoException.usage("unknown command '" + args.get(0) + "'");
      };
    } catch (DemoException e) {
      err.println("baton-demo: " + e.getMessage());
      if (e.kind() == DemoException.Kind.USAGE) {
        err.print(USAGE);
      }
      return e.kind().exitCode;
    } catch (UncheckedIOException e) {
      err.println("baton-demo: " + e.getMessage() + ": " + e.getCause().getMessage());
      return 1;
    }
  }

  private static int serve(PredictServer.Options options, PrintStream out) {
    PredictServer server = PredictServer.start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "predict-shutdown"));
    out.println("LISTENING " + server.port());
    out.flush();
    try {
      server.awaitClose();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }
}
