package io.baton.orchestrator.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.faults.FaultAction;
import io.baton.orchestrator.faults.FaultRule;
import io.baton.orchestrator.faults.Signal;
import io.baton.orchestrator.faults.StragglerPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The pools' straggler and fault policy settings, bound as the orchestrator binds them. */
class PoolsPropertiesTest {

  static Map<String, String> aPool() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("baton.pools[0].name", "ascend-910b");
    properties.put("baton.pools[0].role", "TRAINING");
    properties.put("baton.pools[0].accelerator", "ascend-910b");
    properties.put("baton.pools[0].nodes", "4");
    properties.put("baton.pools[0].chips-per-node", "8");
    properties.put("baton.pools[0].resource-name", "huawei.com/Ascend910");
    return properties;
  }

  static Pool bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bind("baton", PoolsProperties.class)
        .get()
        .pools()
        .get(0);
  }

  @Test
  void aPoolWithoutPolicySettingsObservesWithTheDefaults() {
    Pool pool = bind(aPool());

    assertThat(pool.stragglerPolicy()).isEqualTo(StragglerPolicy.OBSERVE);
    assertThat(pool.stragglerFactor()).isEqualTo(1.25);
    assertThat(pool.stragglerWindow()).isEqualTo(20);
    assertThat(pool.reputationHalfLife()).isEqualTo(Duration.ofHours(12));
    assertThat(pool.reputationThreshold()).isEqualTo(0.1);
    assertThat(pool.isolationCooldown()).isEqualTo(Duration.ofMinutes(30));
    assertThat(pool.faultPolicy()).isEmpty();
    assertThat(pool.effectiveFaultPolicy().rules())
        .isEqualTo(io.baton.orchestrator.faults.FaultPolicy.defaults().rules());
  }

  @Test
  void aPoolSetsItsPoliciesAndRowsOfItsOwn() {
    Map<String, String> properties = aPool();
    properties.put("baton.pools[0].straggler-policy", "replace");
    properties.put("baton.pools[0].straggler-factor", "1.4");
    properties.put("baton.pools[0].straggler-window", "50");
    properties.put("baton.pools[0].reputation-half-life", "6h");
    properties.put("baton.pools[0].isolation-cooldown", "1h");
    properties.put("baton.pools[0].fault-policy[0].signal", "link:DOWN");
    properties.put("baton.pools[0].fault-policy[0].action", "isolate-chip");
    properties.put("baton.pools[0].fault-policy[0].escalate-after", "2");
    properties.put("baton.pools[0].fault-policy[0].escalate-within", "30m");
    properties.put("baton.pools[0].fault-policy[0].escalate-to", "isolate-node");
    properties.put("baton.pools[0].fault-policy[1].signal", "ascend-level:SubHealthFault");
    properties.put("baton.pools[0].fault-policy[1].action", "ignore");

    Pool pool = bind(properties);

    assertThat(pool.stragglerPolicy()).isEqualTo(StragglerPolicy.REPLACE);
    assertThat(pool.stragglerFactor()).isEqualTo(1.4);
    assertThat(pool.stragglerWindow()).isEqualTo(50);
    assertThat(pool.reputation().halfLife()).isEqualTo(Duration.ofHours(6));
    assertThat(pool.isolationCooldown()).isEqualTo(Duration.ofHours(1));
    assertThat(pool.faultPolicy())
        .containsExactly(
            FaultRule.of(
                "link:DOWN",
                FaultAction.ISOLATE_CHIP,
                2,
                Duration.ofMinutes(30),
                FaultAction.ISOLATE_NODE),
            FaultRule.of("ascend-level:SubHealthFault", FaultAction.IGNORE));
    assertThat(pool.effectiveFaultPolicy().ruleFor(Signal.ascend("80E18405")).action())
        .isEqualTo(FaultAction.IGNORE);
  }

  @Test
  void aRowThatCanMatchNothingStopsTheStart() {
    Map<String, String> properties = aPool();
    properties.put("baton.pools[0].fault-policy[0].signal", "xid-bucket:REBOOT");
    properties.put("baton.pools[0].fault-policy[0].action", "warn");

    assertThatThrownBy(() -> bind(properties))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("REBOOT");
  }

  @Test
  void aHalfLifeOfNothingStopsTheStart() {
    Pool pool =
        new Pool(
                "p",
                PoolRole.TRAINING,
                "ascend-910b",
                1,
                8,
                Map.of(),
                "huawei.com/Ascend910",
                "t",
                List.of(),
                false)
            .withStragglerPolicy(StragglerPolicy.AVOID);
    Pool broken =
        new Pool(
            pool.name(),
            pool.role(),
            pool.accelerator(),
            pool.nodes(),
            pool.chipsPerNode(),
            pool.nodeLabels(),
            pool.resourceName(),
            pool.topologyLabel(),
            pool.tolerations(),
            pool.runAsRoot(),
            pool.hangTimeoutFloor(),
            pool.startupTimeout(),
            pool.stragglerPolicy(),
            pool.stragglerFactor(),
            pool.stragglerWindow(),
            Duration.ZERO,
            pool.reputationThreshold(),
            pool.isolationCooldown(),
            pool.faultPolicy());

    assertThat(new PoolCatalog(new PoolsProperties(List.of(pool))).get("p").stragglerPolicy())
        .isEqualTo(StragglerPolicy.AVOID);
    assertThatThrownBy(() -> new PoolCatalog(new PoolsProperties(List.of(broken))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("half-life");
  }
}
