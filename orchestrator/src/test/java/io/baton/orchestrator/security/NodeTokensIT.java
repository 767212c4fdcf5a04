package io.baton.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.support.IntegrationTest;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The node token cache against the real database: checked in bulk, not per request. */
class NodeTokensIT extends IntegrationTest {

  @Autowired NodeTokens tokens;
  @Autowired JdbcTemplate jdbc;

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
