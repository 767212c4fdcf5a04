package io.baton.orchestrator.endpoints;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.endpoints}.
 *
 * @param serverCommand argv of a serving replica; {@code $(BATON_MODEL)} is the model file, {@code
 *     $(PORT)} the port to listen on (0: any free one, announced as {@code LISTENING <port>})
 * @param servingFormat the checkpoint format replicas load; other formats need a converter
 * @param replicas replicas of a new endpoint when its first promotion names none
 * @param readinessTimeout how long a replica may take to become ready
 * @param predictTimeout how long a replica may take to answer the golden inputs
 * @param converterTimeout how long a converter may run
 * @param reconcileInterval how often endpoints and rollouts are looked at
 * @param automatic whether endpoints are reconciled by themselves (tests may switch this off)
 */
@ConfigurationProperties("baton.endpoints")
public record EndpointProperties(
    @DefaultValue({
          "java",
          "-Xmx64m",
          "-XX:TieredStopAtLevel=1",
          "-jar",
          "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
          "serve",
          "--checkpoint",
          "$(BATON_MODEL)",
          "--port",
          "$(PORT)"
        })
        List<String> serverCommand,
    @DefaultValue("safetensors") String servingFormat,
    @DefaultValue("2") int replicas,
    @DefaultValue("60s") Duration readinessTimeout,
    @DefaultValue("10s") Duration predictTimeout,
    @DefaultValue("10m") Duration converterTimeout,
    @DefaultValue("500ms") Duration reconcileInterval,
    @DefaultValue("true") boolean automatic) {}
