package io.baton.orchestrator.auth;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.security.Grant;
import io.baton.orchestrator.security.Role;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an OIDC caller's groups into grants: explicit mappings first ({@code group → team:role},
 * several separated by commas), then groups of the configured shape ({@code baton-<team>-<role>}),
 * then admin groups. Unknown groups grant nothing.
 */
@Decision
final class GroupMapping {

  private final Map<String, List<Grant>> explicit;
  private final Pattern pattern;
  private final Set<String> adminGroups;

  GroupMapping(Map<String, String> mappings, String pattern, Collection<String> adminGroups) {
    this.explicit = new java.util.HashMap<>();
    mappings.forEach((group, grants) -> explicit.put(group, parse(group, grants)));
    this.pattern = pattern == null || pattern.isBlank() ? null : Pattern.compile(pattern);
    this.adminGroups = Set.copyOf(adminGroups);
  }

  /** The grants of a caller in these groups, without repeats. */
  List<Grant> grants(Collection<String> groups) {
    Set<Grant> grants = new LinkedHashSet<>();
    for (String group : groups) {
      if (adminGroups.contains(group)) {
        grants.add(Grant.admin());
      }
      List<Grant> mapped = explicit.get(group);
      if (mapped != null) {
        grants.addAll(mapped);
        continue;
      }
      if (pattern != null) {
        Matcher m = pattern.matcher(group);
        if (m.matches()) {
          grants.add(new Grant(m.group("team"), Role.parse(m.group("role"))));
        }
      }
    }
    return new ArrayList<>(grants);
  }

  private static List<Grant> parse(String group, String grants) {
    List<Grant> parsed = new ArrayList<>();
    for (String one : grants.split(",")) {
      String grant = one.trim();
      if (grant.equals("admin")) {
        parsed.add(Grant.admin());
        continue;
      }
      int colon = grant.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "baton.security.oidc.group-mappings."
                + group
                + ": '"
                + grant
                + "' is not team:role or admin");
      }
      parsed.add(new Grant(grant.substring(0, colon), Role.parse(grant.substring(colon + 1))));
    }
    return List.copyOf(parsed);
  }
}
