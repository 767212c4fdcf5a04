package io.baton.orchestrator.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.events}: the live event stream.
 *
 * @param pollInterval how often the stream looks for new events (any replica's)
 * @param heartbeat how often an idle stream sends a comment to keep proxies from closing it
 * @param streamTimeout how long one stream connection lasts before the client reconnects
 */
@ConfigurationProperties("baton.events")
public record EventsProperties(
    @DefaultValue("250ms") Duration pollInterval,
    @DefaultValue("15s") Duration heartbeat,
    @DefaultValue("30m") Duration streamTimeout) {}
