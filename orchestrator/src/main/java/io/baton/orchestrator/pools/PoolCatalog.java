package io.baton.orchestrator.pools;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The configured pools, by name. Fails the start on duplicate names and on straggler or fault
 * policy settings that cannot work.
 */
@Service
public class PoolCatalog {

  private final Map<String, Pool> pools = new LinkedHashMap<>();

  public PoolCatalog(PoolsProperties properties) {
    List<String> duplicates = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (Pool pool : properties.pools()) {
      if (pools.putIfAbsent(pool.name(), pool) != null) {
        duplicates.add(pool.name());
      }
      try {
        pool.reputation();
        pool.effectiveFaultPolicy();
      } catch (IllegalArgumentException e) {
        unusable.add(pool.name() + ": " + e.getMessage());
      }
    }
    if (!duplicates.isEmpty()) {
      throw new IllegalStateException("baton.pools: duplicate pool names " + duplicates);
    }
    if (!unusable.isEmpty()) {
      throw new IllegalStateException("baton.pools: " + String.join("; ", unusable));
    }
  }

  public Collection<Pool> all() {
    return pools.values();
  }

  public Optional<Pool> find(String name) {
    return Optional.ofNullable(pools.get(name));
  }

  public Pool get(String name) {
    return find(name).orElseThrow(() -> new PoolNotFoundException(name));
  }
}
