package io.baton.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.web.ProblemReportValve.Problem;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProblemReportValveTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void anOversizedRequestHeadIs431() {
    Problem problem =
        ProblemReportValve.problem(
            400, new IllegalArgumentException("Request header is too large"), null);

    assertThat(problem.status()).isEqualTo(431);
    assertThat(problem.slug()).isEqualTo("request-header-too-large");
  }

  @Test
  void aMalformedRequestSaysWhyWithoutEchoingTheRequest() {
    Problem problem =
        ProblemReportValve.problem(
            400,
            new IllegalArgumentException(
                "Invalid character found in the request target [/api/v1/pools/a\u0001b ]. The"
                    + " valid characters are defined in RFC 7230 and RFC 3986"),
            null);

    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.slug()).isEqualTo("malformed-request");
    assertThat(problem.detail())
        .contains("Invalid character found in the request target")
        .doesNotContain("/api/v1/pools")
        .doesNotContain("\u0001");
  }

  @Test
  void theResponseMessageServesWhenThereIsNoCause() {
    Problem problem = ProblemReportValve.problem(400, null, "Invalid URI: [noSlash]");

    assertThat(problem.detail()).startsWith("The request is not valid HTTP: Invalid URI.");
  }

  @Test
  void otherStatusesKeepTheirSlugAndServerErrorsSayNothingMore() {
    assertThat(ProblemReportValve.problem(404, null, null).slug()).isEqualTo("not-found");
    Problem fault = ProblemReportValve.problem(500, new IllegalStateException("secret"), "x");
    assertThat(fault.slug()).isEqualTo("internal-error");
    assertThat(fault.detail()).doesNotContain("secret");
  }

  @Test
  void theDocumentIsJsonWithTheFourMembers() {
    JsonNode json =
        JSON.readTree(
            ProblemReportValve.problem(
                    400, new IllegalArgumentException("a \"quoted\"\\ word"), null)
                .json());

    assertThat(json.get("type").asString()).isEqualTo(Problems.TYPE_BASE + "malformed-request");
    assertThat(json.get("title").asString()).isEqualTo("Malformed request");
    assertThat(json.get("status").asInt()).isEqualTo(400);
    assertThat(json.get("detail").asString()).contains("a \"quoted\"\\ word");
  }
}
