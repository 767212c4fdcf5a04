package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton reject PROMOTION}: a maintainer's verdict on a promotion AWAITING_APPROVAL. */
@Command(
    name = "reject",
    description = "Rejects a promotion that is AWAITING_APPROVAL (maintainers; otherwise exit 3).")
public final class RejectCommand extends Base {

  @Parameters(paramLabel = "PROMOTION", description = "the promotion's id")
  String promotion;

  @Option(names = "--comment", paramLabel = "TEXT")
  String comment;

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    if (comment != null) {
      body.put("comment", comment);
    }
    JsonNode p = api().post("/api/v1/promotions/" + ApiClient.segment(promotion) + "/reject", body);
    out().object(p, PromotionViews.fields(p));
    return ExitCodes.OK;
  }
}
