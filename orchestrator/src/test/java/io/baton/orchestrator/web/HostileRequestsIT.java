package io.baton.orchestrator.web;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A hostile client against every operation of the running application's OpenAPI description (and
 * the agent report servlet, which it does not list): malformed paths, query parameters, bodies and
 * headers, with the admin token and without one. No answer is a 5xx, every error is a problem
 * document, and nothing is stored.
 */
class HostileRequestsIT extends IntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> TABLES =
      List.of(
          "jobs",
          "promotions",
          "webhooks",
          "nodes",
          "node_tokens",
          "idempotency_keys",
          "checkpoints",
          "endpoints");
  private static final String REPORTS = "/api/v1/agents/reports";

  /** Path and query values no parameter takes, percent-encoded as sent. */
  private static final List<String> BAD_VALUES =
      List.of(
          "%zz",
          "%",
          "%00",
          "a%00b",
          "a%01b",
          "%C3%28",
          "%FF%FE",
          "%2F..%2F",
          "9".repeat(400),
          "-1e308",
          "1e400",
          "-9223372036854775809",
          "a".repeat(10_000),
          "not-a-uuid",
          "true");

  /** Values put in place of each top-level member of a JSON body. */
  private static final List<String> BAD_MEMBERS =
      List.of(
          "[null]",
          "[\"x\",null]",
          "[[]]",
          "1e400",
          "-1e308",
          "9".repeat(400),
          "-" + "9".repeat(400),
          "\"a\\u0000b\"",
          "\"a\\u0001\\u001fb\"",
          "[\"a\\u0000\"]",
          "{\"a\\u0000\":\"b\\u0000\"}",
          "\"" + "x".repeat(10_000) + "\"",
          "[".repeat(2_000) + "]".repeat(2_000));

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired io.baton.orchestrator.jobs.JobLifecycle lifecycle;
  @Autowired io.baton.orchestrator.jobs.JobService jobs;
  RawHttp http;
  Api api;
  String admin;

  @BeforeEach
  void client() {
    http = new RawHttp(port);
    api = new Api(port);
    admin = "Authorization: Bearer " + adminToken();
  }

  @Test
  void everyOperationAnswersMalformedRequestsWithProblemsAndStoresNothing() {
    String nodeToken = nodeToken("hostile-sweep-node");
    JsonNode openApi = api.get("/v3/api-docs").json();
    List<Operation> operations = operations(openApi);
    operations.add(
        new Operation("POST", REPORTS, List.of(), List.of(), aReport("hostile-sweep-node")));
    assertThat(operations).hasSizeGreaterThan(30);
    Map<String, Integer> before = counts();
    List<String> failures = new ArrayList<>();
    List<String> writes = new ArrayList<>();
    int sent = 0;

    for (Operation operation : operations) {
      for (Request request : hostile(operation)) {
        String auth =
            operation.path().equals(REPORTS) ? "Authorization: Bearer " + nodeToken : admin;
        sent += check(request.withHeader(auth), failures, writes);
        sent += check(request, failures, writes);
      }
    }

    assertThat(failures).as("answers that are 5xx or not problem documents").isEmpty();
    assertThat(counts()).as("rows stored by malformed requests: %s", writes).isEqualTo(before);
    assertThat(sent).isGreaterThan(2_000);
  }

  // Focused regressions, one per class of fault found by the sweep.

  @Test
  void tomcatsOwnRefusalsAreProblemDocuments() {
    problem(http.send("GET", "/api/v1/pools/%zz", List.of(admin), null), 400, "malformed-request");
    problem(
        http.send("GET", "/api/v1/pools/a%00b", List.of(admin), null), 400, "malformed-request");
    problem(
        http.send("GET", "/api/v1/pools/%C3%28", List.of(admin), null), 400, "malformed-request");
    problem(
        http.send("GET", "/api/v1/jobs", List.of(admin, "X-Note: a\u0001b"), null),
        400,
        "malformed-request");
    problem(
        http.send("GET", "/api/v1/jobs", List.of(admin, "Bad Name: x"), null),
        400,
        "malformed-request");
    problem(
        http.send("GET", "/api/v1/pools/" + "a".repeat(10_000), List.of(admin), null),
        431,
        "request-header-too-large");
    problem(
        http.send("GET", "/api/v1/jobs", List.of(admin, "X-Big: " + "b".repeat(20_000)), null),
        431,
        "request-header-too-large");
  }

  @Test
  void malformedQueryStringsAre400NamingTheParameter() {
    for (String query :
        List.of("team=%zz", "team=%C3%28", "cursor=%FF%FE", "=1", "team=a%00b", "pool=%01")) {
      RawHttp.Response response = http.send("GET", "/api/v1/jobs?" + query, List.of(admin), null);
      JsonNode problem = problem(response, 400, "invalid-parameter");
      assertThat(problem.get("errors")).as(query).hasSize(1);
    }
  }

  @Test
  void parameterNumbersBeyondTheirJavaTypeAre400NamingTheParameter() {
    for (String target :
        List.of(
            "/api/v1/jobs?limit=99999999999999999999",
            "/api/v1/events?after=-1e308",
            "/api/v1/events?after=" + "9".repeat(400),
            "/api/v1/jobs/" + UUID.randomUUID() + "/logs?rank=1e400")) {
      JsonNode problem =
          problem(http.send("GET", target, List.of(admin), null), 400, "invalid-parameter");
      assertThat(problem.get("errors")).as(target).hasSize(1);
    }
  }

  @Test
  void aNulInAQueryParameterNeverReachesTheDatabase() {
    for (String target :
        List.of(
            "/api/v1/jobs?team=a%00b",
            "/api/v1/nodes?pool=a%00b",
            "/api/v1/promotions?endpoint=a%00b",
            "/api/v1/jobs?state=%00")) {
      JsonNode problem =
          problem(http.send("GET", target, List.of(admin), null), 400, "invalid-parameter");
      assertThat(problem.get("detail").asString()).contains("U+0000");
    }
  }

  @Test
  void anAcceptThatCannotBeParsedOrServedGetsAProblemAnyway() {
    problem(
        http.send("GET", "/api/v1/jobs", List.of(admin, "Accept: garbage"), null),
        406,
        "not-acceptable");
    problem(
        http.send("GET", "/api/v1/jobs", List.of(admin, "Accept: application/json;q=x"), null),
        406,
        "not-acceptable");
    problem(
        http.send("GET", "/api/v1/pools", List.of(admin, "Accept: image/png"), null),
        406,
        "not-acceptable");
  }

  @Test
  void numbersBeyondTheirJavaTypeAre400NamingTheField() {
    Map<String, Integer> before = counts();
    for (String n : List.of("-1e308", "1e308", "1e400", "9".repeat(400), "1e19")) {
      assertThat(fields(post("/api/v1/jobs", specWith("\"nodes\":" + n), "invalid-job-spec")))
          .contains("nodes");
      assertThat(
              fields(
                  post(
                      "/api/v1/jobs",
                      specWith("\"checkpoint\":{\"dir\":\"/c\",\"everySteps\":" + n + "}"),
                      "invalid-job-spec")))
          .contains("checkpoint.everySteps");
      assertThat(
              fields(
                  post(
                      "/api/v1/endpoints/e/rollback",
                      "{\"revision\":" + n + "}",
                      "invalid-rollback")))
          .contains("revision");
    }
    for (String n : List.of("-1e308", "1e308", "1e400", "9".repeat(400))) {
      assertThat(
              fields(
                  post(
                      "/api/v1/jobs",
                      specWith(
                          "\"promotion\":{\"endpoint\":\"e\",\"thresholds\":{\"acc\":{\"min\":"
                              + n
                              + "}}}"),
                      "invalid-job-spec")))
          .contains("promotion.thresholds.acc.min");
    }
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aNulOrControlCharacterInAStoredStringIs400() {
    Map<String, Integer> before = counts();
    for (String member :
        List.of(
            "\"command\":[\"a\\u0000b\"]",
            "\"env\":{\"A\":\"a\\u0000\"}",
            "\"labels\":{\"k\":\"v\\u0001\"}",
            "\"image\":\"img\\u0000\"",
            "\"checkpoint\":{\"dir\":\"/c\\u0000\"}")) {
      post("/api/v1/jobs", specWith(member), "invalid-job-spec");
    }
    post(
        "/api/v1/webhooks",
        "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"*\"],\"description\":\"d\\u0000\"}",
        "invalid-webhook");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aByteThatNeverOccursInUtf8IsMalformedJson() {
    Map<String, Integer> before = counts();
    byte[] body =
        "{\"\u00ffurl\":\"http://127.0.0.1:9/hook\",\"events\":[\"job.*\"]}"
            .getBytes(StandardCharsets.ISO_8859_1);

    for (int i = 0; i < 2; i++) {
      JsonNode problem =
          problem(
              http.send(
                  "POST",
                  "/api/v1/webhooks",
                  List.of(admin, "Content-Type: application/json"),
                  body),
              400,
              "malformed-json");
      assertThat(problem.get("detail").asString()).contains("0xFF");
    }
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aNullInsideANodeListIs400() {
    Map<String, Integer> before = counts();

    JsonNode problem =
        post(
            "/api/v1/admin/node-tokens",
            "{\"pool\":\"ascend-910b\",\"nodes\":[\"hostile-n1\",null]}",
            "invalid-parameter");

    assertThat(fields(problem)).anySatisfy(f -> assertThat(f).startsWith("nodes"));
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void agentReportsWithHugeNumbersAre400AndNulInTextIsStoredAsReplacement() {
    String token = "Authorization: Bearer " + nodeToken("hostile-agent-node");
    String job =
        api.post("/api/v1/jobs", aSpec().json(), "Authorization", "Bearer " + adminToken())
            .json()
            .get("id")
            .asString();
    // Placed on the reporting node, as the scheduler would: a node reports only its own jobs.
    java.util.UUID id = java.util.UUID.fromString(job);
    lifecycle.admit(
        id,
        jobs.get(id).version(),
        List.of(new io.baton.orchestrator.jobs.Job.Placement("hostile-agent-node", List.of(0))),
        "test");
    for (String n : List.of("-1e308", "1e400", "9".repeat(400), "1e19")) {
      String report = aReport("hostile-agent-node").replace("\"seq\":1", "\"seq\":" + n);
      problem(
          http.send(
              "POST", REPORTS, List.of(token, "Content-Type: application/json"), bytes(report)),
          400,
          "invalid-report");
    }
    String checkpoint =
        aReport("hostile-agent-node")
            .replace(
                "\"checkpoints\":[]",
                "\"checkpoints\":[{\"type\":\"checkpoint\",\"step\":7,\"path\":\"ckpt\","
                    + "\"format\":\"f\\u0000\",\"jobId\":\""
                    + job
                    + "\",\"rank\":0,\"time\":\"2026-01-01T00:00:00Z\"}]")
            .replace("\"rawHealth\":\"Warning\"", "\"rawHealth\":\"W\\u0000\"");

    String loneSurrogate =
        aReport("hostile-agent-node")
            .replace("\"rawHealth\":\"Warning\"", "\"rawHealth\":\"\\ud800\"");
    assertThat(
            http.send(
                    "POST",
                    REPORTS,
                    List.of(token, "Content-Type: application/json"),
                    bytes(loneSurrogate))
                .status())
        .isEqualTo(200);

    RawHttp.Response ack =
        http.send(
            "POST", REPORTS, List.of(token, "Content-Type: application/json"), bytes(checkpoint));

    assertThat(ack.status()).as(ack.body()).isEqualTo(200);
    assertThat(
            jdbc.sql("SELECT format FROM checkpoints WHERE job_id = ?::uuid")
                .param(job)
                .query(String.class)
                .single())
        .isEqualTo("f\uFFFD");

    // A NUL in a checkpoint's path is no path at all: refused (counted), nothing stored.
    String nulPath =
        aReport("hostile-agent-node")
            .replace(
                "\"checkpoints\":[]",
                "\"checkpoints\":[{\"type\":\"checkpoint\",\"step\":8,\"path\":\"ck\\u0000pt\","
                    + "\"jobId\":\""
                    + job
                    + "\",\"rank\":0,\"time\":\"2026-01-01T00:00:00Z\"}]");
    assertThat(
            http.send(
                    "POST",
                    REPORTS,
                    List.of(token, "Content-Type: application/json"),
                    bytes(nulPath))
                .status())
        .isEqualTo(200);
    assertThat(
            jdbc.sql("SELECT count(*) FROM checkpoints WHERE job_id = ?::uuid AND step = 8")
                .param(job)
                .query(Long.class)
                .single())
        .isZero();
  }

  // The sweep.

  private record Param(String name, String in, String type, String format) {}

  private record Operation(
      String method, String path, List<Param> pathParams, List<Param> queryParams, String body) {}

  private record Request(
      String label, String method, String target, List<String> headers, byte[] body) {

    Request withHeader(String header) {
      List<String> all = new ArrayList<>(headers);
      all.add(0, header);
      return new Request(label, method, target, all, body);
    }
  }

  private static List<Operation> operations(JsonNode openApi) {
    List<Operation> operations = new ArrayList<>();
    openApi
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          List<Param> pathParams = new ArrayList<>();
                          List<Param> queryParams = new ArrayList<>();
                          for (JsonNode p : op.getValue().path("parameters")) {
                            Param param =
                                new Param(
                                    p.get("name").asString(),
                                    p.get("in").asString(),
                                    p.at("/schema/type").asString(""),
                                    p.at("/schema/format").asString(""));
                            if (param.in().equals("path")) {
                              pathParams.add(param);
                            } else if (param.in().equals("query")) {
                              queryParams.add(param);
                            }
                          }
                          String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                          String body =
                              op.getValue().has("requestBody")
                                  ? sampleBody(method, path.getKey(), op.getValue(), openApi)
                                  : null;
                          operations.add(
                              new Operation(method, path.getKey(), pathParams, queryParams, body));
                        }));
    return operations;
  }

  /** A body close to valid, so that each mutation is the one fault of its request. */
  private static String sampleBody(String method, String path, JsonNode op, JsonNode openApi) {
    return switch (path) {
      case "/api/v1/jobs" -> aSpec().json();
      case "/api/v1/webhooks" -> "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"job.*\"]}";
      case "/api/v1/promotions" ->
          "{\"checkpointId\":\"" + UUID.randomUUID() + "\",\"endpoint\":\"hostile-endpoint\"}";
      case "/api/v1/simulation/faults" ->
          "{\"node\":\"no-such-node\",\"chip\":0,\"health\":\"FAULT\",\"code\":\"x\"}";
      case "/api/v1/admin/node-tokens" -> "{\"pool\":\"ascend-910b\",\"nodes\":[\"hostile-n2\"]}";
      default -> fromSchema(op.at("/requestBody/content/application~1json/schema"), openApi);
    };
  }

  private static String fromSchema(JsonNode schema, JsonNode openApi) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asString();
      schema = openApi.at(ref.substring(1));
    }
    ObjectNode body = JSON.createObjectNode();
    schema
        .path("properties")
        .properties()
        .forEach(
            p -> {
              switch (p.getValue().path("type").asString("")) {
                case "integer", "number" -> body.put(p.getKey(), 1);
                case "boolean" -> body.put(p.getKey(), true);
                case "array" -> body.putArray(p.getKey()).add("x");
                case "object" -> body.putObject(p.getKey());
                default -> body.put(p.getKey(), "x");
              }
            });
    return body.toString();
  }

  private static List<Request> hostile(Operation op) {
    List<Request> requests = new ArrayList<>();
    Map<String, String> fine = new LinkedHashMap<>();
    for (Param p : op.pathParams()) {
      fine.put(p.name(), p.format().equals("uuid") ? UUID.randomUUID().toString() : "no-such-x");
    }
    List<String> json = List.of("Content-Type: application/json");
    byte[] body = op.body() == null ? null : bytes(op.body());
    // A request whose fault is in its path or query must not succeed at a write, whatever the
    // value turns out to mean ("true" is a fine node name): its body, if any, is broken too.
    byte[] broken = op.body() == null ? null : bytes("{\"truncated\":");
    for (Param p : op.pathParams()) {
      for (String bad : BAD_VALUES) {
        Map<String, String> values = new LinkedHashMap<>(fine);
        values.put(p.name(), bad);
        requests.add(
            new Request(
                "path " + p.name() + "=" + bad, op.method(), path(op, values), json, broken));
      }
    }
    String target = path(op, fine);
    for (Param p : op.queryParams()) {
      for (String bad : BAD_VALUES) {
        requests.add(
            new Request(
                "query " + p.name() + "=" + bad,
                op.method(),
                target + "?" + p.name() + "=" + bad,
                json,
                broken));
      }
    }
    if (op.body() != null) {
      JsonNode sample = JSON.readTree(op.body());
      for (String member : sample.propertyNames()) {
        for (String bad : BAD_MEMBERS) {
          ObjectNode changed = ((ObjectNode) sample).deepCopy();
          changed.put(member, "@@bad@@");
          requests.add(
              new Request(
                  "body " + member + "=" + abbreviated(bad),
                  op.method(),
                  target,
                  json,
                  bytes(changed.toString().replace("\"@@bad@@\"", bad))));
        }
        requests.add(
            new Request(
                "body " + member + " wrong type",
                op.method(),
                target,
                json,
                bytes(
                    ((ObjectNode) sample.deepCopy())
                        .set(member, wrongType(sample.get(member)))
                        .toString())));
      }
      String text = op.body();
      requests.add(
          new Request(
              "truncated", op.method(), target, json, bytes(text.substring(0, text.length() / 2))));
      requests.add(
          new Request("nested", op.method(), target, json, bytes("{\"a\":" + "[".repeat(5_000))));
      requests.add(
          new Request(
              "not UTF-8",
              op.method(),
              target,
              json,
              text.replaceFirst("\"", "\"\u00ff").getBytes(StandardCharsets.ISO_8859_1)));
      requests.add(new Request("empty", op.method(), target, json, new byte[0]));
      requests.add(new Request("array", op.method(), target, json, bytes("[null]")));
      requests.add(
          new Request(
              "text/plain", op.method(), target, List.of("Content-Type: text/plain"), body));
      requests.add(
          new Request(
              "bad content type", op.method(), target, List.of("Content-Type: %%%;;="), body));
    }
    byte[] harmless = op.method().equals("GET") || op.method().equals("DELETE") ? null : broken;
    requests.add(
        new Request(
            "control character in a header",
            op.method(),
            target,
            List.of("Content-Type: application/json", "X-Note: a\u0001b"),
            body));
    requests.add(
        new Request(
            "huge header",
            op.method(),
            target,
            List.of("Content-Type: application/json", "X-Note: " + "n".repeat(20_000)),
            body));
    if (op.method().equals("GET") || harmless != null) {
      requests.add(
          new Request(
              "unparseable Accept",
              op.method(),
              target,
              List.of("Content-Type: application/json", "Accept: ;;garbage/"),
              harmless));
    }
    return requests;
  }

  private static JsonNode wrongType(JsonNode value) {
    if (value == null || value.isString()) {
      return JSON.createArrayNode().add(1);
    }
    if (value.isNumber()) {
      return JSON.getNodeFactory().stringNode("1");
    }
    if (value.isArray()) {
      return JSON.createObjectNode().put("a", 1);
    }
    return JSON.getNodeFactory().numberNode(1);
  }

  private static String path(Operation op, Map<String, String> values) {
    String path = op.path();
    for (Map.Entry<String, String> v : values.entrySet()) {
      path = path.replace("{" + v.getKey() + "}", v.getValue());
    }
    return path;
  }

  private int check(Request request, List<String> failures, List<String> writes) {
    RawHttp.Response response;
    try {
      response = http.send(request.method(), request.target(), request.headers(), request.body());
    } catch (RuntimeException e) {
      failures.add(describe(request) + ": no answer (" + e.getMessage() + ")");
      return 1;
    }
    if (response.status() < 300 && !request.method().equals("GET")) {
      writes.add(describe(request) + " → " + response.status());
    }
    String problem = problemFault(response);
    if (response.status() >= 500 || (response.status() >= 400 && problem != null)) {
      failures.add(
          describe(request)
              + " → "
              + response.status()
              + " "
              + response.contentType()
              + (problem == null ? "" : " (" + problem + ")")
              + ": "
              + abbreviated(response.body()));
    }
    return 1;
  }

  /** What is wrong with the response as a problem document, or null when nothing is. */
  private static String problemFault(RawHttp.Response response) {
    if (!response.contentType().startsWith("application/problem+json")) {
      return "not application/problem+json";
    }
    JsonNode problem;
    try {
      problem = JSON.readTree(response.body());
    } catch (RuntimeException e) {
      return "not JSON";
    }
    if (!problem.path("type").asString("").startsWith(Problems.TYPE_BASE)) {
      return "type";
    }
    if (problem.path("title").asString("").isBlank()
        || problem.path("detail").asString("").isBlank()) {
      return "title or detail";
    }
    return problem.path("status").asInt() == response.status() ? null : "status member";
  }

  private static String describe(Request request) {
    boolean authorized =
        !request.headers().isEmpty() && request.headers().get(0).startsWith("Authorization");
    return request.method()
        + " "
        + abbreviated(request.target())
        + " ["
        + request.label()
        + (authorized ? ", with token" : ", no token")
        + "]";
  }

  // Helpers.

  private JsonNode problem(RawHttp.Response response, int status, String slug) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(problemFault(response)).as(response.body()).isNull();
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("type").asString()).isEqualTo(Problems.TYPE_BASE + slug);
    return problem;
  }

  private JsonNode post(String path, String body, String slug) {
    return problem(
        http.send("POST", path, List.of(admin, "Content-Type: application/json"), bytes(body)),
        400,
        slug);
  }

  private static String specWith(String member) {
    String spec = aSpec().json();
    return spec.substring(0, spec.lastIndexOf('}')) + "," + member + "}";
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.path("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String table : TABLES) {
      counts.put(table, jdbc.sql("SELECT count(*) FROM " + table).query(Integer.class).single());
    }
    return counts;
  }

  private String nodeToken(String node) {
    return api.post(
            "/api/v1/admin/nodes/" + node + "/tokens",
            "{\"pool\":\"ascend-910b\"}",
            "Authorization",
            "Bearer " + adminToken())
        .json()
        .get("token")
        .asString();
  }

  private static String aReport(String node) {
    return "{\"node\":\""
        + node
        + "\",\"bootId\":\""
        + UUID.randomUUID()
        + "\",\"seq\":1,\"sentAt\":\"2026-01-01T00:00:00Z\",\"vendor\":\"sim\",\"chips\":["
        + "{\"index\":0,\"health\":\"OK\"},"
        + "{\"index\":1,\"health\":\"WARNING\",\"rawHealth\":\"Warning\",\"errorCodes\":[\"0x1\"]}"
        + "],\"progress\":[],\"checkpoints\":[]}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviated(String text) {
    String line = text.replace("\r", "\\r").replace("\n", "\\n");
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }
}
