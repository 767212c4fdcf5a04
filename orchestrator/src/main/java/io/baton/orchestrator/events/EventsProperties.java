package io.baton.orchestrator.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.events}: the live event stream.
 *
 * @param pollInterval how often the stream looks for new events (any replica's)
 * @param heartbeat how often an idle stream sends a comment to keep proxies from closing it; a
 *     stream whose client went away frees its place at the latest with the next one
 * @param streamTimeout how long one stream connection lasts before the client reconnects
 * @param maxSubscribers streams one replica serves at once; beyond it a new one gets 429
 * @param maxSubscribersPerIdentity streams one caller (the authenticated identity, else the remote
 *     address) may hold on one replica at once; beyond it a new one gets 429
 * @param subscriberBuffer events waiting to be written to one stream; a client that falls this far
 *     behind is disconnected and resumes with {@code Last-Event-ID}
 */
@ConfigurationProperties("baton.events")
record EventsProperties(
    @DefaultValue("250ms") Duration pollInterval,
    @DefaultValue("15s") Duration heartbeat,
    @DefaultValue("30m") Duration streamTimeout,
    @DefaultValue("200") int maxSubscribers,
    @DefaultValue("5") int maxSubscribersPerIdentity,
    @DefaultValue("1000") int subscriberBuffer) {

  public EventsProperties {
    if (maxSubscribers < 1 || maxSubscribersPerIdentity < 1 || subscriberBuffer < 1) {
      throw new IllegalArgumentException(
          "baton.events.max-subscribers, max-subscribers-per-identity and subscriber-buffer must"
              + " be at least 1");
    }
  }
}
