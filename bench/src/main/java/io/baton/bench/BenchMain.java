package io.baton.bench;

import java.nio.file.Path;
import java.util.Arrays;

/** {@code ./bench/run NAME}: picks the benchmark. */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: ./bench/run NAME [args]   (NAME: ingest, submit, placement, promotion, faults, chaos, dashboard)");
      System.exit(2);
    }
    Path root = Path.of("").toAbsolutePath();
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "ingest" -> IngestBench.run(root, rest);
      case "submit" -> SubmitBench.run(root, rest);
      case "placement" -> PlacementBench.run(root, rest);
      case "promotion" -> PromotionBench.run(root, rest);
      case "faults" -> FaultBench.run(root, rest);
      case "chaos" -> ChaosBench.run(root, rest);
      case "dashboard" -> DashboardBench.run(root, rest);
      default -> {
        System.err.println(
            "unknown benchmark '"
                + args[0]
                + "' (known: ingest, submit, placement, promotion, faults, chaos, dashboard)");
        System.exit(2);
      }
    }
  }
}
