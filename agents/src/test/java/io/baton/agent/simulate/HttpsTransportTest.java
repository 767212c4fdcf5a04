package io.baton.agent.simulate;

import static io.baton.agent.simulate.FleetSimulatorTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https: blocking TLS sockets, with the server's certificate and host name verified. */
class HttpsTransportTest {

  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir static Path dir;
  private static HttpsServer server;
  private static ExecutorService executor;
  private static SSLContext client;
  private static final AtomicInteger answered = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    Path keys = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=baton-test",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keys.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keys)) {
      keyStore.load(in, PASSWORD);
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keyStore, PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(keyManagers.getKeyManagers(), null, null);

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", keyStore.getCertificate("server"));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    client = SSLContext.getInstance("TLS");
    client.init(null, trustManagers.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.createContext(
        "/api/v1/agents/reports",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            answered.incrementAndGet();
            byte[] reply = "{\"applied\":true}".getBytes();
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
          }
        });
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void reportsGoOverTls() throws InterruptedException {
    int before = answered.get();
    URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort());

    FleetSummary summary =
        new FleetSimulator(
                config(uri, 3, "100ms", "300ms", 8),
                Clock.systemUTC(),
                false,
                client.getSocketFactory())
            .run();

    // The first TLS handshakes of a JVM are slow enough to make a node skip a tick.
    assertThat(summary.failures()).isEmpty();
    assertThat(summary.reportsSent() + summary.reportsSkipped()).isEqualTo(9);
    assertThat(summary.reportsOk()).isEqualTo(summary.reportsSent()).isPositive();
    assertThat(answered.get() - before).isEqualTo(summary.reportsSent());
  }

  @Test
  void aCertificateForAnotherHostIsRefused() throws InterruptedException {
    URI uri = URI.create("https://localhost:" + server.getAddress().getPort());

    FleetSummary summary =
        new FleetSimulator(
                config(uri, 1, "1s", "100ms", 8),
                Clock.systemUTC(),
                false,
                client.getSocketFactory())
            .run();

    assertThat(summary.reportsOk()).isZero();
    assertThat(summary.failures()).containsOnlyKeys("SSLHandshakeException");
  }
}
