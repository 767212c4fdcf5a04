package io.baton.orchestrator.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code baton.ingest.refused{reason, line}} ({@code baton_ingest_refused_total} in Prometheus):
 * what node agents sent that their node may not write. {@code line} is {@code progress} or {@code
 * checkpoint} for job data dropped from an otherwise stored report, {@code report} for a whole
 * report refused (a token reporting for another node). Every series exists from the start, at 0, so
 * an alert on its rate needs no first refusal.
 */
@Component
class IngestRefusals {

  private static final List<String> JOB_DATA = List.of("progress", "checkpoint");

  private final Map<ReportedLines.Refusal, Map<String, Counter>> counters =
      new EnumMap<>(ReportedLines.Refusal.class);

  IngestRefusals(MeterRegistry meters) {
    for (ReportedLines.Refusal refusal : ReportedLines.Refusal.values()) {
      Map<String, Counter> byLine = new HashMap<>();
      for (String line :
          refusal == ReportedLines.Refusal.OTHER_NODE ? List.of("report") : JOB_DATA) {
        byLine.put(
            line,
            Counter.builder("baton.ingest.refused")
                .description("Job data (or whole reports) from node agents that were not stored")
                .tag("reason", refusal.tag)
                .tag("line", line)
                .register(meters));
      }
      counters.put(refusal, byLine);
    }
  }

  void count(ReportedLines.Refusal refusal, String line) {
    counters.get(refusal).get(line).increment();
  }
}
