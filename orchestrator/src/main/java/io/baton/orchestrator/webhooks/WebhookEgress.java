package io.baton.orchestrator.webhooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The only way webhook traffic leaves the orchestrator: checks a URL against the {@link
 * TargetPolicy} when a subscription is created, and POSTs deliveries so that the address checked is
 * the address connected to.
 *
 * <p>Why Apache HttpClient 5 and not {@code java.net.http}: the JDK client resolves the host itself
 * when it connects, so checking an address beforehand leaves a DNS-rebinding gap (the name may
 * resolve to a public address for the check and to {@code 127.0.0.1} a moment later for the
 * connection). Connecting to the checked IP literal instead would need the {@code Host} header
 * (restricted in the JDK client) and would break TLS: SNI and certificate checks would see the IP,
 * not the name. HttpClient 5 takes a {@link DnsResolver}: every new connection asks ours, which
 * resolves once, refuses the whole answer if any address breaks the policy, and hands back exactly
 * the addresses it checked, while SNI, certificate checks and {@code Host} keep the URL's name.
 * Connections are not reused, so every attempt resolves and checks afresh.
 */
@Component
class WebhookEgress implements AutoCloseable {

  /** A host name's addresses: the system resolver in production, a table in tests. */
  @FunctionalInterface
  interface HostResolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Thrown from the resolver when the policy refuses an address the host resolved to. */
  static final class RefusedAddressException extends UnknownHostException {
    private final TargetPolicy.Rule rule;

    RefusedAddressException(String host, TargetPolicy.Rule rule) {
      super(host + " resolves to " + rule.description());
      this.rule = rule;
    }

    TargetPolicy.Rule rule() {
      return rule;
    }
  }

  /** How an attempt ended; {@code status} is null when no answer came. */
  record Attempt(Integer status, AttemptOutcome outcome) {}

  private static final ContentType JSON = ContentType.create("application/json");

  private final TargetPolicy policy;
  private final HostResolver resolver;
  private final long deadlineMillis;
  private final CloseableHttpClient http;
  private final ScheduledExecutorService deadlines;

  @Autowired
  WebhookEgress(WebhooksProperties properties) {
    this(properties, InetAddress::getAllByName);
  }

  WebhookEgress(WebhooksProperties properties, HostResolver resolver) {
    this.policy = properties.targetPolicy();
    this.resolver = resolver;
    this.deadlineMillis = properties.connectTimeout().plus(properties.requestTimeout()).toMillis();
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new CheckingResolver())
                    .setMaxConnTotal(Math.max(properties.sendConcurrency(), 1))
                    .setMaxConnPerRoute(Math.max(properties.sendConcurrency(), 1))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                            .setSocketTimeout(Timeout.of(properties.requestTimeout()))
                            .build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(Timeout.of(properties.requestTimeout()))
                    .setRedirectsEnabled(false)
                    .setAuthenticationEnabled(false)
                    .build())
            .setConnectionReuseStrategy((request, response, context) -> false)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableContentCompression()
            .disableAuthCaching()
            .disableDefaultUserAgent()
            .build();
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "baton-webhook-deadlines");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Why a new subscription's URL is refused, readable for its creator; empty when it is allowed. A
   * host that does not resolve now is allowed (it is checked again at every delivery).
   */
  Optional<String> refusal(URI url) {
    Optional<TargetPolicy.Rule> scheme = policy.scheme(url.getScheme());
    if (scheme.isPresent()) {
      return Optional.of("must be an https:// URL; plain http:// is not allowed here");
    }
    try {
      check(host(url), resolver.resolve(host(url)));
      return Optional.empty();
    } catch (RefusedAddressException e) {
      return Optional.of(
          "must resolve to public addresses only; its host resolves to " + e.rule().description());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** POSTs one delivery and waits for the status line; the answer's body is never read. */
  Attempt post(URI url, Map<String, String> headers, byte[] body) {
    if (policy.scheme(url.getScheme()).isPresent()) {
      return new Attempt(null, AttemptOutcome.REFUSED_SCHEME);
    }
    HttpPost post = new HttpPost(url);
    headers.forEach(post::setHeader);
    post.setEntity(new ByteArrayEntity(body, JSON));
    ScheduledFuture<?> deadline =
        deadlines.schedule(post::cancel, deadlineMillis, TimeUnit.MILLISECONDS);
    try {
      ClassicHttpResponse response = http.executeOpen(null, post, null);
      int status = response.getCode();
      discard(response);
      return new Attempt(
          status,
          status >= 200 && status < 300 ? AttemptOutcome.DELIVERED : AttemptOutcome.HTTP_ERROR);
    } catch (RefusedAddressException e) {
      return new Attempt(null, AttemptOutcome.REFUSED_ADDRESS);
    } catch (IOException | RuntimeException e) {
      return new Attempt(null, AttemptOutcome.UNREACHABLE);
    } finally {
      deadline.cancel(false);
    }
  }

  /**
   * Drops the connection without reading (or draining) what the receiver sends after the status.
   */
  private static void discard(ClassicHttpResponse response) {
    try {
      if (response instanceof ModalCloseable closeable) {
        closeable.close(CloseMode.IMMEDIATE);
      } else {
        response.close();
      }
    } catch (IOException ignored) {
      // the status is all we wanted
    }
  }

  private void check(String host, InetAddress[] addresses) throws RefusedAddressException {
    for (InetAddress address : addresses) {
      Optional<TargetPolicy.Rule> rule = policy.address(address);
      if (rule.isPresent()) {
        throw new RefusedAddressException(host, rule.get());
      }
    }
  }

  private static String host(URI url) {
    String host = url.getHost();
    if (host == null) {
      throw new IllegalArgumentException("URL without host: " + url);
    }
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Resolves once, checks every address, and returns exactly the addresses it checked. */
  private final class CheckingResolver implements DnsResolver {

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      String bare =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      InetAddress[] addresses = resolver.resolve(bare);
      check(bare, addresses);
      return addresses;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
      List<InetSocketAddress> endpoints = new ArrayList<>();
      for (InetAddress address : resolve(host)) {
        endpoints.add(new InetSocketAddress(address, port));
      }
      return endpoints;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      return host;
    }
  }

  @Override
  public void close() throws IOException {
    deadlines.shutdownNow();
    http.close(CloseMode.IMMEDIATE);
  }
}
