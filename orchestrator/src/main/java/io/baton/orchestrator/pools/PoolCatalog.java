package io.baton.orchestrator.pools;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** The configured pools, by name. Fails the start on duplicate names. */
@Service
public class PoolCatalog {

  private final Map<String, Pool> pools = new LinkedHashMap<>();

  public PoolCatalog(PoolsProperties properties) {
    List<String> duplicates = new ArrayList<>();
    for (Pool pool : properties.pools()) {
      if (pools.putIfAbsent(pool.name(), pool) != null) {
        duplicates.add(pool.name());
      }
    }
    if (!duplicates.isEmpty()) {
      throw new IllegalStateException("baton.pools: duplicate pool names " + duplicates);
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
