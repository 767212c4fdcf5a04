package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress against a real receiver on 127.0.0.1: what the default settings refuse (plain HTTP,
 * loopback), what {@code allow-http} and {@code allowed-networks} open, and that the address
 * checked is the address connected to.
 */
class WebhookEgressTest {

  static final byte[] BODY = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  Receiver receiver;
  WebhookEgress egress;

  @BeforeEach
  void start() {
    receiver = Receiver.answering(r -> 200);
  }

  @AfterEach
  void stop() throws Exception {
    receiver.close();
    if (egress != null) {
      egress.close();
    }
  }

  @Test
  void defaultsRefusePlainHttpAndLoopbackWithoutConnecting() {
    egress = new WebhookEgress(properties(false, List.of()));

    assertThat(post("http://127.0.0.1:" + receiver.port() + "/hook"))
        .isEqualTo(new WebhookEgress.Attempt(null, AttemptOutcome.REFUSED_SCHEME));
    assertThat(post("https://127.0.0.1:" + receiver.port() + "/hook").outcome())
        .isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(egress.refusal(URI.create(receiver.url()))).get().asString().contains("https://");
    assertThat(egress.refusal(URI.create("https://127.0.0.1/hook")))
        .get()
        .asString()
        .contains("loopback");
    assertThat(receiver.all()).isEmpty();
  }

  @Test
  void allowHttpAloneStillRefusesLoopbackByAddressAndByName() {
    egress = new WebhookEgress(properties(true, List.of()));

    assertThat(post(receiver.url()).outcome()).isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(post("http://localhost:" + receiver.port() + "/hook").outcome())
        .isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(post("http://[::ffff:127.0.0.1]:" + receiver.port() + "/hook").outcome())
        .isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(egress.refusal(URI.create("http://localhost:1/hook")))
        .get()
        .asString()
        .contains("loopback");
    assertThat(receiver.all()).isEmpty();
  }

  @Test
  void anAllowedNetworkOpensItsAddressesOnly() {
    egress = new WebhookEgress(properties(true, List.of("127.0.0.0/8")));

    assertThat(post(receiver.url()))
        .isEqualTo(new WebhookEgress.Attempt(200, AttemptOutcome.DELIVERED));
    assertThat(egress.refusal(URI.create(receiver.url()))).isEmpty();
    assertThat(receiver.all()).hasSize(1);
    assertThat(receiver.all().get(0).header("Content-Type")).isEqualTo("application/json");
    assertThat(receiver.all().get(0).header("Baton-Delivery")).isEqualTo("d-1");
    assertThat(receiver.all().get(0).body()).isEqualTo(BODY);
    // 0.0.0.0 reaches this machine's listeners too, but is not in 127.0.0.0/8
    assertThat(post("http://0.0.0.0:" + receiver.port() + "/hook").outcome())
        .isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(receiver.all()).hasSize(1);
  }

  @Test
  void theAddressCheckedAtDeliveryIsTheAddressConnectedTo() {
    // The name is public when the subscription is created, and loopback when the delivery goes.
    AtomicInteger lookups = new AtomicInteger();
    WebhookEgress.HostResolver rebinding =
        host -> {
          if (!host.equals("hooks.example.com")) {
            throw new UnknownHostException(host);
          }
          String address = lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1";
          return new InetAddress[] {InetAddress.getByName(address)};
        };
    egress = new WebhookEgress(properties(true, List.of()), rebinding);
    String url = "http://hooks.example.com:" + receiver.port() + "/hook";

    assertThat(egress.refusal(URI.create(url))).isEmpty();
    assertThat(post(url).outcome()).isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(lookups).hasValue(2);
    assertThat(receiver.all()).isEmpty();
  }

  @Test
  void aNameResolvingToAnyRefusedAddressIsRefusedWhole() {
    WebhookEgress.HostResolver mixed =
        host ->
            new InetAddress[] {
              InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")
            };
    egress = new WebhookEgress(properties(true, List.of()), mixed);

    assertThat(egress.refusal(URI.create("https://hooks.example.com/hook"))).isPresent();
    assertThat(post("http://hooks.example.com:" + receiver.port() + "/hook").outcome())
        .isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
    assertThat(receiver.all()).isEmpty();
  }

  @Test
  void failuresAreCoarse() throws Exception {
    egress = new WebhookEgress(properties(true, List.of("127.0.0.0/8")));
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    try (Receiver failing = Receiver.answering(r -> 503);
        Receiver redirecting = Receiver.answering(r -> 302)) {
      assertThat(post(failing.url()))
          .isEqualTo(new WebhookEgress.Attempt(503, AttemptOutcome.HTTP_ERROR));
      assertThat(post(redirecting.url()))
          .isEqualTo(new WebhookEgress.Attempt(302, AttemptOutcome.HTTP_ERROR));
    }
    assertThat(post("http://127.0.0.1:" + closed + "/hook"))
        .isEqualTo(new WebhookEgress.Attempt(null, AttemptOutcome.UNREACHABLE));
    assertThat(post("http://no-such-host.invalid/hook"))
        .isEqualTo(new WebhookEgress.Attempt(null, AttemptOutcome.UNREACHABLE));
    assertThat(egress.refusal(URI.create("https://no-such-host.invalid/hook")))
        .as("a name that does not resolve yet is checked again at delivery")
        .isEmpty();
  }

  private WebhookEgress.Attempt post(String url) {
    return egress.post(URI.create(url), Map.of("Baton-Delivery", "d-1"), BODY);
  }

  static WebhooksProperties properties(boolean allowHttp, List<String> allowedNetworks) {
    return new WebhooksProperties(
        Duration.ofMillis(500),
        500,
        Duration.ofMillis(500),
        4,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        12,
        Duration.ofDays(7),
        Duration.ofHours(1),
        allowHttp,
        allowedNetworks,
        25,
        null,
        List.of());
  }
}
