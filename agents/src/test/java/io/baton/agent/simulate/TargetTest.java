package io.baton.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.report.HttpReportSender;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void hostPortAndPathOfTheReportsEndpoint() {
    PostConnection.Target target =
        PostConnection.Target.of(HttpReportSender.endpoint(URI.create("http://127.0.0.1:8080/")));

    assertThat(target)
        .isEqualTo(
            new PostConnection.Target(
                "127.0.0.1", 8080, false, "127.0.0.1:8080", "/api/v1/agents/reports"));
    assertThat(new String(target.commonHead(), StandardCharsets.US_ASCII))
        .startsWith("POST /api/v1/agents/reports HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n")
        .endsWith("Content-Type: application/json\r\n");
  }

  @Test
  void defaultPortsAndIpv6Literals() {
    assertThat(PostConnection.Target.of(URI.create("https://orchestrator.example/x")))
        .isEqualTo(
            new PostConnection.Target(
                "orchestrator.example", 443, true, "orchestrator.example", "/x"));
    assertThat(PostConnection.Target.of(URI.create("http://[::1]:9000/x?a=b")))
        .isEqualTo(new PostConnection.Target("::1", 9000, false, "[::1]:9000", "/x?a=b"));
  }

  @Test
  void onlyHttp() {
    assertThatThrownBy(() -> PostConnection.Target.of(URI.create("ftp://host/x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
