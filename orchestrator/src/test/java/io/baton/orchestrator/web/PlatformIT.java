package io.baton.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Health, metrics, OpenAPI, pools and the clustered scheduler's store. */
class PlatformIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
  }

  @Test
  void healthHasLivenessAndReadinessGroups() {
    assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
    assertThat(api.get("/actuator/health/liveness").json().get("status").asString())
        .isEqualTo("UP");
    JsonNode readiness = api.get("/actuator/health/readiness").json();
    assertThat(readiness.get("status").asString()).isEqualTo("UP");
    assertThat(readiness.at("/components/db/status").asString()).isEqualTo("UP");
  }

  @Test
  void prometheusExposesJobsByState() {
    api.post("/api/v1/jobs", io.baton.orchestrator.support.Specs.aSpec().json());

    String metrics = api.get("/actuator/prometheus").body();

    assertThat(metrics).contains("# TYPE baton_jobs gauge");
    for (String state : new String[] {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) {
      assertThat(metrics).containsPattern("baton_jobs\\{[^}]*state=\"" + state + "\"[^}]*} \\d");
    }
    assertThat(metrics).containsPattern("baton_jobs\\{[^}]*state=\"QUEUED\"[^}]*} [1-9]");
  }

  @Test
  void openApiDescribesTheJobsApiAndSwaggerUiIsServed() {
    JsonNode openApi = api.get("/v3/api-docs").json();

    assertThat(openApi.at("/paths").has("/api/v1/jobs")).isTrue();
    assertThat(openApi.at("/paths").has("/api/v1/jobs/{id}/cancel")).isTrue();
    assertThat(openApi.at("/paths").has("/api/v1/events/stream")).isTrue();
    assertThat(openApi.at("/paths").has("/api/v1/pools/{name}")).isTrue();
    assertThat(api.get("/swagger-ui/index.html").status()).isEqualTo(200);
  }

  @Test
  void defaultPoolsAreOneAscendTrainingAndOneNvidiaInferencePool() {
    JsonNode pools = api.get("/api/v1/pools").json();

    assertThat(pools.get("nextCursor").isNull()).isTrue();
    assertThat(pools.get("items")).hasSize(2);
    JsonNode ascend = api.get("/api/v1/pools/ascend-910b").json();
    assertThat(ascend.get("role").asString()).isEqualTo("TRAINING");
    assertThat(ascend.get("resourceName").asString()).isEqualTo("huawei.com/Ascend910");
    assertThat(ascend.at("/capacity/chipsTotal").asInt())
        .isEqualTo(ascend.at("/capacity/nodes").asInt() * 8);
    assertThat(ascend.at("/capacity/nodes").asInt())
        .isGreaterThanOrEqualTo(ascend.get("nodes").asInt());
    JsonNode nvidia = api.get("/api/v1/pools/nvidia-h100").json();
    assertThat(nvidia.get("role").asString()).isEqualTo("INFERENCE");
    assertThat(nvidia.get("resourceName").asString()).isEqualTo("nvidia.com/gpu");
  }

  @Test
  void quartzRunsClusteredOnTheSameDatabase() {
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM qrtz_triggers WHERE trigger_name = 'idempotency-key-purge'")
                .query(Integer.class)
                .single())
        .isEqualTo(1);
    assertThat(jdbc.sql("SELECT count(*) FROM qrtz_scheduler_state").query(Integer.class).single())
        .isGreaterThanOrEqualTo(1);
  }
}
