package io.baton.orchestrator.pools;

import jakarta.validation.Valid;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code baton.pools}: the node pools Baton schedules on. */
@Validated
@ConfigurationProperties("baton")
public record PoolsProperties(@DefaultValue List<@Valid Pool> pools) {}
