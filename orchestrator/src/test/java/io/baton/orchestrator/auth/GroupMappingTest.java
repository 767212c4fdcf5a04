package io.baton.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.security.Grant;
import io.baton.orchestrator.security.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupMappingTest {

  private static final String SHAPE =
      "baton-(?<team>[a-z0-9]([-a-z0-9]*[a-z0-9])?)-(?<role>viewer|member|maintainer)";

  @Test
  void groupsOfTheConfiguredShapeMapByThemselves() {
    GroupMapping mapping = new GroupMapping(Map.of(), SHAPE, List.of("baton-admin"));
    assertThat(mapping.grants(List.of("baton-research-maintainer", "baton-vision-team-viewer")))
        .containsExactly(
            new Grant("research", Role.MAINTAINER), new Grant("vision-team", Role.VIEWER));
  }

  @Test
  void explicitMappingsWinAndMayGrantSeveralRoles() {
    GroupMapping mapping =
        new GroupMapping(
            Map.of("ml-leads", "research:maintainer, vision:member"), SHAPE, List.of());
    assertThat(mapping.grants(List.of("ml-leads")))
        .containsExactly(new Grant("research", Role.MAINTAINER), new Grant("vision", Role.MEMBER));
  }

  @Test
  void adminGroupsHoldThePlatformRole() {
    GroupMapping mapping = new GroupMapping(Map.of(), SHAPE, List.of("baton-admin"));
    assertThat(mapping.grants(List.of("baton-admin"))).containsExactly(Grant.admin());
  }

  @Test
  void unknownGroupsGrantNothing() {
    GroupMapping mapping = new GroupMapping(Map.of(), SHAPE, List.of("baton-admin"));
    assertThat(mapping.grants(List.of("everyone", "baton-research-owner", "baton-"))).isEmpty();
  }

  @Test
  void withoutAShapeOnlyExplicitMappingsCount() {
    GroupMapping mapping = new GroupMapping(Map.of("x", "t:viewer"), "", List.of());
    assertThat(mapping.grants(List.of("baton-research-maintainer", "x")))
        .containsExactly(new Grant("t", Role.VIEWER));
  }

  @Test
  void aMalformedMappingFailsAtStart() {
    assertThatThrownBy(() -> new GroupMapping(Map.of("g", "research"), SHAPE, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("team:role");
  }
}
