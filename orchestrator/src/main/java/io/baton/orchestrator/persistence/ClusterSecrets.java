package io.baton.orchestrator.persistence;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Random keys that every orchestrator replica shares, created once by whichever replica asks first.
 */
@Component
public class ClusterSecrets {

  private final JdbcClient jdbc;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  public ClusterSecrets(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The 32-byte secret of that name. */
  public byte[] get(String name) {
    return cache.computeIfAbsent(name, this::load).clone();
  }

  private byte[] load(String name) {
    byte[] fresh = new byte[32];
    random.nextBytes(fresh);
    jdbc.sql(
            "INSERT INTO cluster_secrets (name, value) VALUES (:name, :value) ON CONFLICT DO NOTHING")
        .param("name", name)
        .param("value", fresh)
        .update();
    return jdbc.sql("SELECT value FROM cluster_secrets WHERE name = :name")
        .param("name", name)
        .query(byte[].class)
        .single();
  }
}
