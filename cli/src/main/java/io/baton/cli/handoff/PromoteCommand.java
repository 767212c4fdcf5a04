package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.jobs.Waiting;
import io.baton.cli.output.Format;
import io.baton.cli.watch.TimeoutException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code baton promote CHECKPOINT --endpoint NAME [--wait]}: starts a promotion and, with {@code
 * --wait}, shows each gate as its verdict comes and exits with the outcome: 0 ACTIVE, 20–25 the
 * gate that rejected it, 26 ROLLED_BACK.
 */
@Command(
    name = "promote",
    description = {
      "Promotes a checkpoint to an endpoint through the gates (VERIFYING, CONVERTING, EVALUATING,"
          + " PARITY, [AWAITING_APPROVAL], ROLLING_OUT).",
      "--wait shows each gate as it passes and exits 0 when ACTIVE, 20 VERIFYING, 21 CONVERTING,"
          + " 22 EVALUATING, 23 PARITY, 24 AWAITING_APPROVAL, 25 ROLLING_OUT rejected it,"
          + " 26 ROLLED_BACK."
    })
public final class PromoteCommand extends Base {

  @Parameters(paramLabel = "CHECKPOINT", description = "the checkpoint's id (baton checkpoints)")
  String checkpoint;

  @Option(names = "--endpoint", paramLabel = "NAME", required = true)
  String endpoint;

  @Option(names = "--wait", description = "wait until ACTIVE, REJECTED or ROLLED_BACK")
  boolean await;

  @Option(names = "--require-approval", description = "stop at AWAITING_APPROVAL for a maintainer")
  boolean requireApproval;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Waiting.class,
      description = "with --wait: give up after this long (90s, 10m), exit 7")
  Duration timeout;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = Waiting.class,
      defaultValue = "1s",
      description = "with --wait: how often to poll (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Override
  public Integer call() throws InterruptedException {
    ObjectNode request = ApiClient.JSON.createObjectNode();
    request.put("checkpointId", checkpoint);
    request.put("endpoint", endpoint);
    if (requireApproval) {
      request.put("requireApproval", true);
    }
    JsonNode promotion = api().post("/api/v1/promotions", request);
    if (!await) {
      out().object(promotion, PromotionViews.fields(promotion));
      return ExitCodes.OK;
    }
    PrintStream progress = format() == Format.table ? io().out() : io().err();
    progress.println(
        "Promotion "
            + promotion.path("id").asString()
            + " of checkpoint "
            + checkpoint
            + " to "
            + endpoint);
    JsonNode last = waitFor(promotion.path("id").asString(), progress);
    out().object(last, PromotionViews.fields(last));
    return ExitCodes.ofPromotion(last.path("state").asString(), PromotionViews.failedGate(last));
  }

  private JsonNode waitFor(String id, PrintStream progress) throws InterruptedException {
    Instant start = Instant.now();
    Map<String, String> verdicts = new HashMap<>();
    String state = null;
    boolean toldApproval = false;
    while (true) {
      JsonNode p = api().get("/api/v1/promotions/" + ApiClient.segment(id));
      for (JsonNode gate : p.path("gates")) {
        String name = gate.path("name").asString();
        String verdict = gate.path("verdict").asString();
        if (!verdict.equals(verdicts.put(name, verdict))) {
          progress.println(PromotionViews.gate(gate));
        }
      }
      String now = p.path("state").asString();
      if (!now.equals(state)) {
        state = now;
        if (now.equals("AWAITING_APPROVAL") && !toldApproval) {
          toldApproval = true;
          progress.println(
              "awaiting approval: baton approve " + id + " (or baton reject " + id + ")");
        }
      }
      progress.flush();
      if (PromotionViews.ended(p)) {
        progress.println(
            now
                + (p.path("reason").asString("").isEmpty()
                    ? ""
                    : ": " + p.path("reason").asString()));
        return p;
      }
      if (timeout != null && Duration.between(start, Instant.now()).compareTo(timeout) > 0) {
        throw new TimeoutException("promotion " + id + " is still " + now + " after " + timeout);
      }
      Thread.sleep(interval.toMillis());
    }
  }
}
