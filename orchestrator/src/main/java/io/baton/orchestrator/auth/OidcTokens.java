package io.baton.orchestrator.auth;

import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.security.SecurityProperties;
import java.util.Collection;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * JWTs of the configured OIDC issuer: checked against the issuer's JWKS (its signature, {@code
 * iss}, {@code exp}/{@code nbf}, and {@code aud} when audiences are configured), then turned into a
 * {@link Caller} whose grants come from the groups claim through {@link GroupMapping}.
 */
final class OidcTokens {

  private OidcTokens() {}

  /**
   * The issuer's decoder, made on first use. While the issuer cannot be reached (its metadata or
   * keys), tokens are refused (401) rather than failing the request (500).
   */
  static JwtDecoder decoder(SecurityProperties.Oidc oidc) {
    JwtDecoder lazy = lazyDecoder(oidc);
    return token -> {
      try {
        return lazy.decode(token);
      } catch (JwtDecoderInitializationException e) {
        throw new BadJwtException("The identity provider cannot be reached to check the token.", e);
      }
    };
  }

  private static JwtDecoder lazyDecoder(SecurityProperties.Oidc oidc) {
    return new SupplierJwtDecoder(
        () -> {
          NimbusJwtDecoder decoder =
              oidc.jwkSetUri() == null || oidc.jwkSetUri().isBlank()
                  ? NimbusJwtDecoder.withIssuerLocation(oidc.issuerUri()).build()
                  : NimbusJwtDecoder.withJwkSetUri(oidc.jwkSetUri()).build();
          decoder.setJwtValidator(validator(oidc));
          return decoder;
        });
  }

  static OAuth2TokenValidator<Jwt> validator(SecurityProperties.Oidc oidc) {
    OAuth2TokenValidator<Jwt> standard = JwtValidators.createDefaultWithIssuer(oidc.issuerUri());
    if (oidc.audiences().isEmpty()) {
      return standard;
    }
    OAuth2TokenValidator<Jwt> audience =
        new JwtClaimValidator<Collection<String>>(
            JwtClaimNames.AUD,
            aud -> aud != null && aud.stream().anyMatch(oidc.audiences()::contains));
    return new DelegatingOAuth2TokenValidator<>(standard, audience);
  }

  static Converter<Jwt, AbstractAuthenticationToken> converter(SecurityProperties.Oidc oidc) {
    GroupMapping mapping =
        new GroupMapping(oidc.groupMappings(), oidc.groupPattern(), oidc.adminGroups());
    return jwt -> {
      String subject = jwt.getSubject();
      if (subject == null || subject.isBlank()) {
        throw new InvalidBearerTokenException("The token names no subject (sub).");
      }
      String name = jwt.getClaimAsString(oidc.nameClaim());
      Caller caller =
          new Caller(
              subject,
              name == null || name.isBlank() ? subject : name,
              Caller.Kind.OIDC,
              mapping.grants(groups(jwt, oidc.grantsClaim())));
      return CallerAuthentication.of(caller);
    };
  }

  private static List<String> groups(Jwt jwt, String claim) {
    Object value = jwt.getClaims().get(claim);
    if (value instanceof Collection<?> many) {
      return many.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    if (value instanceof String one) {
      return List.of(one.split("[ ,]+"));
    }
    return List.of();
  }
}
