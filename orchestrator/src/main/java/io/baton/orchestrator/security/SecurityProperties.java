package io.baton.orchestrator.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.security}.
 *
 * @param adminToken bearer token of the bootstrap admin identity; when empty, one is generated at
 *     first start and kept in {@code <data-dir>/admin-token}
 * @param tokenCacheTtl how long a replica trusts a node token since it last found it valid (cached
 *     tokens are checked again in bulk every half of it); a revocation made on another replica
 *     takes effect within this time (at once on the replica that revoked)
 * @param oidc JWTs of an OpenID Connect issuer, accepted when {@code issuer-uri} is set
 * @param rateLimits requests per identity and second, separately for reads and writes
 * @param publicMetrics whether {@code /actuator/prometheus} answers without a token (for scrapers
 *     that cannot send one); off by default
 */
@ConfigurationProperties("baton.security")
public record SecurityProperties(
    String adminToken,
    @DefaultValue("10s") Duration tokenCacheTtl,
    @DefaultValue Oidc oidc,
    @DefaultValue RateLimits rateLimits,
    @DefaultValue("false") boolean publicMetrics) {

  /**
   * {@code baton.security.oidc}.
   *
   * @param issuerUri the issuer ({@code iss}) tokens must name; enables OIDC when set
   * @param jwkSetUri where the issuer's keys are; discovered from the issuer's metadata when empty
   * @param audiences accepted {@code aud} values; any audience when empty
   * @param grantsClaim the claim holding the caller's groups (a list or one string)
   * @param groupMappings group → {@code team:role} (several separated by commas), e.g. {@code
   *     baton-research-maintainer: research:maintainer}
   * @param groupPattern groups of this shape map by themselves: named groups {@code team} and
   *     {@code role}; empty to map only through {@code group-mappings}
   * @param adminGroups groups that hold the platform role {@code admin}; none by default, as users
   *     may be able to create groups of their own at the identity provider
   * @param nameClaim the claim shown as the caller's name (falls back to {@code sub})
   * @param dashboardClientId the identity provider's client id of the web dashboard (a public
   *     client using authorization code + PKCE); the dashboard offers only token login when empty
   * @param dashboardScopes the scopes the dashboard asks the identity provider for
   */
  public record Oidc(
      String issuerUri,
      String jwkSetUri,
      @DefaultValue List<String> audiences,
      @DefaultValue("groups") String grantsClaim,
      @DefaultValue Map<String, String> groupMappings,
      @DefaultValue(
              "baton-(?<team>[a-z0-9]([-a-z0-9]*[a-z0-9])?)-(?<role>viewer|member|maintainer)")
          String groupPattern,
      @DefaultValue List<String> adminGroups,
      @DefaultValue("preferred_username") String nameClaim,
      String dashboardClientId,
      @DefaultValue("openid profile") String dashboardScopes) {

    public boolean enabled() {
      return issuerUri != null && !issuerUri.isBlank();
    }

    /** Whether the dashboard may log in through the issuer. */
    public boolean dashboardLogin() {
      return enabled() && dashboardClientId != null && !dashboardClientId.isBlank();
    }
  }

  /**
   * {@code baton.security.rate-limits}: a token bucket per identity (the caller's id, or the remote
   * address for anonymous requests) and kind of request. The agents' report path is not limited
   * here; it has its own back-pressure.
   *
   * @param enabled whether requests are limited at all
   * @param readsPerSecond sustained GET/HEAD requests per second
   * @param readBurst how many reads may come at once
   * @param writesPerSecond sustained POST/PUT/PATCH/DELETE requests per second
   * @param writeBurst how many writes may come at once
   */
  public record RateLimits(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("50") int readsPerSecond,
      @DefaultValue("500") int readBurst,
      @DefaultValue("10") int writesPerSecond,
      @DefaultValue("100") int writeBurst) {}
}
