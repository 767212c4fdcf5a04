package io.baton.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.problems.NotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The walls every route applies, as rules. */
class CallerTest {

  private static Caller holding(Grant... grants) {
    return new Caller("t1", "ci", Caller.Kind.API_TOKEN, List.of(grants));
  }

  private static final Grant VIEWER_A = new Grant("team-a", Role.VIEWER);
  private static final Grant MEMBER_A = new Grant("team-a", Role.MEMBER);
  private static final Grant MAINTAINER_A = new Grant("team-a", Role.MAINTAINER);

  @Test
  void aViewerReadsItsTeamButActsOnNothing() {
    Caller viewer = holding(VIEWER_A);
    assertThat(viewer.may(Action.READ, "team-a")).isTrue();
    assertThat(viewer.may(Action.SUBMIT_JOB, "team-a")).isFalse();
    assertThat(viewer.may(Action.CANCEL_JOB, "team-a")).isFalse();
  }

  @Test
  void aMemberSubmitsCancelsAndPromotesButDoesNotApprove() {
    Caller member = holding(MEMBER_A);
    assertThat(member.may(Action.SUBMIT_JOB, "team-a")).isTrue();
    assertThat(member.may(Action.CANCEL_JOB, "team-a")).isTrue();
    assertThat(member.may(Action.START_PROMOTION, "team-a")).isTrue();
    assertThat(member.may(Action.APPROVE_PROMOTION, "team-a")).isFalse();
    assertThat(member.may(Action.MANAGE_ENDPOINT, "team-a")).isFalse();
  }

  @Test
  void aMaintainerAlsoApprovesRollsBackAndManagesWebhooksAndTokens() {
    Caller maintainer = holding(MAINTAINER_A);
    assertThat(maintainer.may(Action.APPROVE_PROMOTION, "team-a")).isTrue();
    assertThat(maintainer.may(Action.MANAGE_ENDPOINT, "team-a")).isTrue();
    assertThat(maintainer.may(Action.MANAGE_WEBHOOKS, "team-a")).isTrue();
    assertThat(maintainer.may(Action.MANAGE_TOKENS, "team-a")).isTrue();
    assertThat(maintainer.may(Action.OPERATE_PLATFORM, "team-a")).isFalse();
  }

  @Test
  void rolesInOneTeamGiveNothingInAnother() {
    Caller maintainer = holding(MAINTAINER_A);
    assertThat(maintainer.sees("team-b")).isFalse();
    assertThat(maintainer.may(Action.SUBMIT_JOB, "team-b")).isFalse();
  }

  @Test
  void anAdminMayDoEverythingEverywhereAndSeesEveryTeam() {
    Caller admin = Caller.admin();
    for (Action action : Action.values()) {
      assertThat(admin.may(action, "any-team")).as(action.name()).isTrue();
    }
    assertThat(admin.visibleTeams()).isNull();
  }

  @Test
  void objectsWithoutATeamAreSeenByAdminsOnly() {
    assertThat(holding(MAINTAINER_A).sees(null)).isFalse();
    assertThat(Caller.admin().sees(null)).isTrue();
  }

  @Test
  void whatACallerMayNotSeeDoesNotExistForIt() {
    Caller other = holding(new Grant("team-b", Role.MAINTAINER));
    assertThatThrownBy(
            () ->
                other.mustBeAllowed(
                    Action.CANCEL_JOB, "team-a", () -> new NotFoundException("job", "x")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void whatACallerSeesButMayNotTouchIsForbidden() {
    assertThatThrownBy(
            () ->
                holding(VIEWER_A)
                    .mustBeAllowed(
                        Action.CANCEL_JOB, "team-a", () -> new NotFoundException("job", "x")))
        .isInstanceOf(ForbiddenException.class)
        .hasMessageContaining("member");
  }

  @Test
  void visibleTeamsAreTheTeamsOfTheGrants() {
    assertThat(holding(VIEWER_A, new Grant("team-b", Role.MEMBER)).visibleTeams())
        .containsExactlyInAnyOrder("team-a", "team-b");
  }

  @Test
  void aGrantIsWithinAnotherWhenTheOtherCoversItsTeamAndRole() {
    assertThat(VIEWER_A.within(MAINTAINER_A)).isTrue();
    assertThat(MAINTAINER_A.within(MEMBER_A)).isFalse();
    assertThat(new Grant("team-b", Role.VIEWER).within(MAINTAINER_A)).isFalse();
    assertThat(Grant.admin().within(MAINTAINER_A)).isFalse();
    assertThat(MAINTAINER_A.within(Grant.admin())).isTrue();
  }

  @Test
  void actorsNameTheTokenAndItsNameOrTheSubject() {
    assertThat(holding(VIEWER_A).actor()).isEqualTo("token:t1:ci");
    assertThat(new Caller("alice", "Alice", Caller.Kind.OIDC, List.of()).actor())
        .isEqualTo("oidc:alice");
    assertThat(Caller.admin().actor()).isEqualTo("admin");
  }
}
