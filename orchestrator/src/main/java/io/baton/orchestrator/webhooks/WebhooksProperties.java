package io.baton.orchestrator.webhooks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.webhooks}: dispatching events to subscriptions and sending the deliveries.
 *
 * @param dispatchInterval how often new events are turned into deliveries (once across the cluster)
 * @param dispatchBatch events read from the feed per dispatch transaction
 * @param sendInterval how often each replica looks for due deliveries
 * @param sendConcurrency deliveries one replica has in flight at most
 * @param connectTimeout TCP (and TLS) connect timeout of a delivery
 * @param requestTimeout how long a receiver may take to answer a delivery
 * @param backoffBase delay bound of the first retry; it doubles with every failed attempt
 * @param backoffCap the delay bound never grows beyond this
 * @param maxAttempts a delivery is FAILED after this many unsuccessful attempts
 * @param retention delivered and failed deliveries are purged after this long
 * @param purgeInterval how often that purge runs (once across the cluster)
 * @param allowHttp whether subscriptions may use plain {@code http://} URLs; off by default, so
 *     deliveries and their signatures travel encrypted
 * @param allowedNetworks networks (CIDR, e.g. {@code 10.20.0.0/16}) a webhook may reach although
 *     their addresses are loopback, private, link-local or otherwise not public; empty by default
 * @param maxPerTeam subscriptions one team may hold (subscriptions without a team count as one more
 *     team)
 * @param secretKey base64 of the 256-bit AES key that encrypts subscription secrets at rest; when
 *     absent, a key generated once into {@code <data-dir>/webhook-key} is used, which only a single
 *     orchestrator can share; replicas must all be given the same key here
 * @param previousSecretKeys earlier values of {@code secretKey}: still read, and every secret
 *     sealed with one of them is sealed again with {@code secretKey} at start
 */
@ConfigurationProperties("baton.webhooks")
record WebhooksProperties(
    @DefaultValue("500ms") Duration dispatchInterval,
    @DefaultValue("500") int dispatchBatch,
    @DefaultValue("500ms") Duration sendInterval,
    @DefaultValue("32") int sendConcurrency,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("10s") Duration requestTimeout,
    @DefaultValue("1s") Duration backoffBase,
    @DefaultValue("5m") Duration backoffCap,
    @DefaultValue("12") int maxAttempts,
    @DefaultValue("7d") Duration retention,
    @DefaultValue("1h") Duration purgeInterval,
    @DefaultValue("false") boolean allowHttp,
    @DefaultValue List<String> allowedNetworks,
    @DefaultValue("25") int maxPerTeam,
    String secretKey,
    @DefaultValue List<String> previousSecretKeys) {

  RetryPolicy retryPolicy() {
    return new RetryPolicy(backoffBase, backoffCap, maxAttempts);
  }

  /**
   * Where webhooks may be sent.
   *
   * @throws IllegalArgumentException when an allowed network is no CIDR
   */
  TargetPolicy targetPolicy() {
    List<TargetPolicy.Cidr> networks;
    try {
      networks = allowedNetworks.stream().map(TargetPolicy.Cidr::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("baton.webhooks.allowed-networks: " + e.getMessage(), e);
    }
    return new TargetPolicy(allowHttp, networks);
  }

  /**
   * How long a claimed delivery stays with its sender: longer than any attempt can take, so only a
   * sender that died loses it to another replica.
   */
  Duration claimLease() {
    return connectTimeout.plus(requestTimeout).plus(Duration.ofSeconds(5));
  }
}
