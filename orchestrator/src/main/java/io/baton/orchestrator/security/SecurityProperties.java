package io.baton.orchestrator.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.security}.
 *
 * @param adminToken bearer token of the admin API; when empty, one is generated at first start and
 *     kept in {@code <data-dir>/admin-token}
 * @param tokenCacheTtl how long a replica trusts a node token since it last found it valid (cached
 *     tokens are checked again in bulk every half of it); a revocation made on another replica
 *     takes effect within this time (at once on the replica that revoked)
 */
@ConfigurationProperties("baton.security")
public record SecurityProperties(String adminToken, @DefaultValue("10s") Duration tokenCacheTtl) {}
