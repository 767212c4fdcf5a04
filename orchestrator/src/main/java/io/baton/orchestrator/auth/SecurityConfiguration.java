package io.baton.orchestrator.auth;

import io.baton.orchestrator.dashboard.DashboardRoutes;
import io.baton.orchestrator.security.AdminToken;
import io.baton.orchestrator.security.NodeTokens;
import io.baton.orchestrator.security.SecurityProperties;
import io.baton.orchestrator.web.ProblemResponses;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. Every route needs a bearer token — the admin token, an API token or, when
 * configured, a JWT of the OIDC issuer — except the health probes and the API docs. Node tokens
 * open only the agents' report path (which checks them itself, on its hot path, outside this
 * chain). The dashboard's page shell, its assets and its configuration are public too: they carry
 * no data. Routes check the caller's grants against the object's team; this chain only separates
 * anonymous, user, admin and node callers.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {

  /** The agents' report path: authenticated by the servlet itself with node tokens. */
  static final String AGENT_REPORTS = "/api/v1/agents/reports";

  @Bean
  SecurityFilterChain api(
      HttpSecurity http,
      SecurityProperties properties,
      AdminToken admin,
      ApiTokens apiTokens,
      NodeTokens nodeTokens,
      JsonMapper json,
      MeterRegistry meters)
      throws Exception {
    ProblemAuthenticationHandlers problems =
        new ProblemAuthenticationHandlers(new ProblemResponses(json), meters);
    AuthenticationManager manager =
        authenticationManager(properties.oidc(), admin, apiTokens, nodeTokens);
    AuthenticationManagerResolver<HttpServletRequest> resolver = request -> manager;
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .formLogin(form -> form.disable())
        .httpBasic(basic -> basic.disable())
        .logout(logout -> logout.disable())
        .anonymous(anonymous -> {})
        .oauth2ResourceServer(
            o -> o.authenticationManagerResolver(resolver).authenticationEntryPoint(problems))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .addFilterAfter(
            new RateLimitFilter(properties.rateLimits(), new ProblemResponses(json)),
            BearerTokenAuthenticationFilter.class)
        .authorizeHttpRequests(
            a -> {
              a.requestMatchers(
                      "/actuator/health",
                      "/actuator/health/**",
                      "/actuator/info",
                      "/v3/api-docs",
                      "/v3/api-docs/**",
                      "/v3/api-docs.yaml",
                      "/swagger-ui.html",
                      "/swagger-ui/**",
                      "/error")
                  .permitAll();
              // The dashboard's shell and assets carry no data: its pages call the API with a
              // token.
              a.requestMatchers(HttpMethod.GET, DashboardRoutes.PUBLIC).permitAll();
              if (properties.publicMetrics()) {
                a.requestMatchers(HttpMethod.GET, "/actuator/prometheus").permitAll();
              }
              // Scrapers need not hold an admin's token: any identity reads the fleet's metrics.
              a.requestMatchers(HttpMethod.GET, "/actuator/prometheus")
                  .hasAuthority(CallerAuthentication.USER);
              a.requestMatchers(
                      "/api/v1/admin/**",
                      "/api/v1/simulation/**",
                      "/api/v1/audit",
                      "/api/v1/audit/**",
                      "/actuator/**")
                  .hasAuthority(CallerAuthentication.ADMIN);
              a.anyRequest().hasAuthority(CallerAuthentication.USER);
            });
    return http.build();
  }

  /** The report path bypasses this chain: its servlet checks node tokens on the hot path. */
  @Bean
  WebSecurityCustomizer agentReportsOutsideTheChain() {
    return web -> web.ignoring().requestMatchers(HttpMethod.POST, AGENT_REPORTS);
  }

  /** Requests the firewall refuses (encoded slashes, control characters …): a 400 problem. */
  @Bean
  RequestRejectedHandler requestRejected(JsonMapper json) {
    ProblemResponses problems = new ProblemResponses(json);
    return (request, response, e) ->
        problems.write(
            response,
            400,
            "malformed-request",
            "Malformed request",
            "The request's URL or headers are not acceptable: they hold characters or encodings"
                + " the API refuses.",
            null);
  }

  private static AuthenticationManager authenticationManager(
      SecurityProperties.Oidc oidc, AdminToken admin, ApiTokens apiTokens, NodeTokens nodeTokens) {
    List<AuthenticationProvider> providers = new ArrayList<>();
    providers.add(new OpaqueTokenAuthentication(admin, apiTokens, nodeTokens, oidc.enabled()));
    if (oidc.enabled()) {
      JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(OidcTokens.decoder(oidc));
      jwt.setJwtAuthenticationConverter(OidcTokens.converter(oidc));
      providers.add(jwt);
    }
    ProviderManager manager = new ProviderManager(providers);
    manager.setEraseCredentialsAfterAuthentication(false);
    return manager;
  }
}
