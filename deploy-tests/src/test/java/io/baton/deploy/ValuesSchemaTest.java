package io.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json turns bad values away before anything renders. */
class ValuesSchemaTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bad-replicas-as-text.yaml         | /orchestrator/replicaCount",
        "bad-pool-without-name.yaml        | missing property 'name'",
        "bad-pool-without-node-labels.yaml | /pools/0/nodeLabels",
        "bad-pool-role.yaml                | /pools/0/role",
        "bad-no-database-secret.yaml       | /database/existingSecret",
        "bad-pool-fault-action.yaml        | /pools/0/faultPolicy/0/action",
        "bad-pool-half-escalation.yaml     | /pools/0/faultPolicy/0",
        "bad-pool-straggler-policy.yaml    | /pools/0/stragglerPolicy",
      })
  void badValuesFailSchemaValidation(String file, String reason) {
    assertThatThrownBy(() -> Chart.render(Chart.values(file)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(reason);
  }

  @Test
  void poolNamesMustBeUnique() {
    assertThatThrownBy(() -> Chart.render(Chart.values("bad-duplicate-pool-names.yaml")))
        .hasMessageContaining("the name \"ascend-910b\" is used by more than one pool");
  }

  @ParameterizedTest
  @CsvSource({"three-pools.yaml", "soft-faults.yaml", "hang-timeouts.yaml"})
  void goodValuesPass(String file) {
    assertThat(Chart.render(Chart.values(file)).objects()).isNotEmpty();
  }
}
