package io.baton.agent.report;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the agent: reports out, orchestrator answers in. Thread-safe. */
public final class ReportJson {

  public static final JsonMapper MAPPER =
      JsonMapper.builder().disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  private static final JsonMapper PRETTY =
      MAPPER.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ReportJson() {}

  public static byte[] bytes(AgentReport report) {
    return MAPPER.writeValueAsBytes(report);
  }

  public static String pretty(AgentReport report) {
    return PRETTY.writeValueAsString(report);
  }
}
