package io.baton.orchestrator.jobs;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.teams}: per-team policies, each falling back to {@code defaults}.
 *
 * <pre>
 * baton.teams:
 *   defaults: {priority-ceiling: 100}
 *   overrides:
 *     research: {priority-ceiling: 500, redact-all-env: true}
 * </pre>
 *
 * @param defaults what applies to a team without an override
 * @param overrides team name → its policy; unset fields fall back to {@code defaults}
 */
@ConfigurationProperties("baton.teams")
record TeamsProperties(@DefaultValue Policy defaults, Map<String, Policy> overrides) {

  /**
   * @param priorityCeiling the highest {@code priority} the team's members may submit (admins are
   *     not bound); default 100
   * @param redactAllEnv whether the API hides every {@code env} value of the team's jobs, not only
   *     those named in {@code secretEnv}; default false
   */
  public record Policy(Integer priorityCeiling, Boolean redactAllEnv) {}

  public TeamsProperties {
    overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
  }

  public int priorityCeiling(String team) {
    Policy own = overrides.get(team);
    if (own != null && own.priorityCeiling() != null) {
      return own.priorityCeiling();
    }
    return defaults.priorityCeiling() == null ? 100 : defaults.priorityCeiling();
  }

  public boolean redactAllEnv(String team) {
    Policy own = overrides.get(team);
    if (own != null && own.redactAllEnv() != null) {
      return own.redactAllEnv();
    }
    return Boolean.TRUE.equals(defaults.redactAllEnv());
  }
}
