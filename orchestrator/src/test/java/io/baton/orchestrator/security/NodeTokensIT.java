package io.baton.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.support.IntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The node token cache against the real database: checked in bulk, not per request. */
class NodeTokensIT extends IntegrationTest {

  @Autowired NodeTokens tokens;
  @Autowired JdbcTemplate jdbc;
  @Autowired JdbcClient jdbcClient;
  @Autowired SecurityProperties properties;

  @Test
  void theBulkCheckForgetsARevokedTokenAndKeepsTrustingTheOthers() {
    String revokedNode = aNode();
    String keptNode = aNode();
    NodeTokens.Issued revoked = tokens.issue(revokedNode);
    NodeTokens.Issued kept = tokens.issue(keptNode);
    assertThat(tokens.authenticate(revoked.token())).isEqualTo(revokedNode);
    assertThat(tokens.authenticate(kept.token())).isEqualTo(keptNode);

    // Revoked behind this replica's back, as another replica would.
    jdbc.update("UPDATE node_tokens SET revoked_at = now() WHERE id = ?", revoked.id());
    tokens.revalidate();

    assertThat(tokens.trusts(revoked.token())).isFalse();
    assertThatThrownBy(() -> tokens.authenticate(revoked.token()))
        .isInstanceOf(UnauthorizedException.class);
    // The other was found valid by the same check: still trusted, without a lookup of its own.
    assertThat(tokens.trusts(kept.token())).isTrue();
    assertThat(tokens.authenticate(kept.token())).isEqualTo(keptNode);
  }

  @Test
  void anAgentsServiceAccountTokenIsReviewedOnceAndTrustedUntilItsReviewEnds() {
    SteppingClock clock = new SteppingClock();
    FakeReview review = new FakeReview();
    review.answers.put(
        "sa-a", new NodeIdentityReview.Reviewed("node-a", clock.instant().plusSeconds(60)));
    NodeTokens reviewed = withReview(review, clock);

    for (int i = 0; i < 3; i++) {
      assertThat(reviewed.authenticate("sa-a")).isEqualTo("node-a");
    }
    reviewed.revalidate();
    clock.advance(Duration.ofSeconds(30));
    assertThat(reviewed.trusts("sa-a")).as("beyond the node-token TTL, within its review").isTrue();
    assertThat(reviewed.authenticate("sa-a")).isEqualTo("node-a");
    assertThat(review.calls).hasValue(1);

    clock.advance(Duration.ofSeconds(31));
    review.answers.remove("sa-a");
    assertThat(reviewed.trusts("sa-a")).isFalse();
    assertThatThrownBy(() -> reviewed.authenticate("sa-a"))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(review.calls).hasValue(2);
  }

  @Test
  void aRefusedAgentTokenIsNotReviewedAgainWithinTheTtl() {
    SteppingClock clock = new SteppingClock();
    FakeReview review = new FakeReview();
    NodeTokens reviewed = withReview(review, clock);

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> reviewed.authenticate("forged"))
          .isInstanceOf(UnauthorizedException.class);
    }
    assertThat(review.calls).hasValue(1);
    clock.advance(properties.tokenCacheTtl());
    assertThatThrownBy(() -> reviewed.authenticate("forged"))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(review.calls).hasValue(2);
  }

  @Test
  void nodeTokensAreLookedUpNotReviewed() {
    FakeReview review = new FakeReview();
    NodeTokens reviewed = withReview(review, new SteppingClock());
    String node = aNode();
    NodeTokens.Issued issued = tokens.issue(node);

    assertThat(reviewed.authenticate(issued.token())).isEqualTo(node);
    assertThat(review.calls).hasValue(0);
  }

  private NodeTokens withReview(NodeIdentityReview review, Clock clock) {
    return new NodeTokens(
        jdbcClient,
        properties,
        clock,
        new StaticListableBeanFactory(Map.of("review", review))
            .getBeanProvider(NodeIdentityReview.class));
  }

  /** Answers from a table, counting the reviews asked for. */
  private static final class FakeReview implements NodeIdentityReview {
    final Map<String, Reviewed> answers = new HashMap<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Optional<Reviewed> review(String token) {
      calls.incrementAndGet();
      return Optional.ofNullable(answers.get(token));
    }
  }

  /** A clock that moves only when told. */
  private static final class SteppingClock extends Clock {
    private Instant now = Instant.parse("2030-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private String aNode() {
    String name = "tok-" + UUID.randomUUID().toString().substring(0, 8);
    jdbc.update(
        "INSERT INTO nodes (name, pool, created_at, updated_at) VALUES (?, 'ascend-910b', ?, ?)",
        name,
        OffsetDateTime.now(),
        OffsetDateTime.now());
    return name;
  }
}
