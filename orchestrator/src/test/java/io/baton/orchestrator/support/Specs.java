package io.baton.orchestrator.support;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Fixture builder of job specs: {@code aSpec().with("nodes", 2).json()}. */
public final class Specs {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<String, Object> fields = new LinkedHashMap<>();

  private Specs() {
    fields.put("name", "resnet-50");
    fields.put("team", "vision");
    fields.put("pool", "ascend-910b");
    fields.put("command", java.util.List.of("python", "train.py"));
    fields.put("nodes", 1);
    fields.put("chipsPerNode", 8);
  }

  public static Specs aSpec() {
    return new Specs();
  }

  public Specs with(String field, Object value) {
    fields.put(field, value);
    return this;
  }

  public Specs without(String field) {
    fields.remove(field);
    return this;
  }

  public String json() {
    return JSON.writeValueAsString(fields);
  }
}
