package io.baton.orchestrator.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/** Fixture builder of agent reports: {@code aReport("n1").chip(0, "FAULT").seq(3).json()}. */
public final class Reports {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final List<Map<String, Object>> chips = new ArrayList<>();
  private final List<Map<String, Object>> progress = new ArrayList<>();
  private final List<Map<String, Object>> checkpoints = new ArrayList<>();

  private Reports(String node) {
    fields.put("node", node);
    fields.put("bootId", UUID.randomUUID().toString());
    fields.put("seq", 0);
    fields.put("sentAt", Instant.now().toString());
    fields.put("vendor", "sim");
  }

  /** A report of {@code node} with eight OK chips. */
  public static Reports aReport(String node) {
    Reports report = new Reports(node);
    for (int i = 0; i < 8; i++) {
      report.chips.add(chipMap(i, "OK"));
    }
    return report;
  }

  public Reports boot(String bootId) {
    fields.put("bootId", bootId);
    return this;
  }

  public String bootId() {
    return (String) fields.get("bootId");
  }

  public Reports seq(long seq) {
    fields.put("seq", seq);
    return this;
  }

  public Reports node(String node) {
    fields.put("node", node);
    return this;
  }

  public Reports chips(int count) {
    chips.clear();
    for (int i = 0; i < count; i++) {
      chips.add(chipMap(i, "OK"));
    }
    return this;
  }

  public Reports chip(int index, String health, String... errorCodes) {
    Map<String, Object> chip = chipMap(index, health);
    chip.put("rawHealth", health.equals("FAULT") ? "Alarm" : health);
    chip.put("errorCodes", List.of(errorCodes));
    chips.set(index, chip);
    return this;
  }

  /** Sets a vendor reading of chip {@code index}: {@code tempC}, {@code utilizationPct}, … */
  public Reports reading(int index, String field, Object value) {
    chips.get(index).put(field, value);
    return this;
  }

  /** Adds a link to chip {@code index}, as an agent that reads links reports it. */
  public Reports link(int index, String name, String state, Map<String, Long> errors) {
    Map<String, Object> link = new LinkedHashMap<>();
    link.put("name", name);
    link.put("state", state);
    if (!errors.isEmpty()) {
      link.put("errors", errors);
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> links =
        (List<Map<String, Object>>)
            chips.get(index).computeIfAbsent("links", k -> new ArrayList<>());
    links.add(link);
    return this;
  }

  public Reports progress(UUID job, long step, double loss) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "progress");
    line.put("step", step);
    line.put("totalSteps", 1000);
    line.put("loss", loss);
    line.put("samplesPerSec", 800.5);
    line.put("metrics", Map.of("lr", 0.001));
    line.put("jobId", job.toString());
    line.put("rank", 0);
    line.put("time", Instant.now().toString());
    progress.add(line);
    return this;
  }

  /**
   * A progress line of {@code rank} in {@code attempt}, as a rank of a relaunched job writes it.
   */
  public Reports progress(UUID job, int attempt, int rank, long step, double loss) {
    progress(job, step, loss);
    Map<String, Object> line = progress.get(progress.size() - 1);
    line.put("rank", rank);
    line.put("attempt", attempt);
    return this;
  }

  /** Gives the last progress line step times. */
  public Reports timed(double stepMs, double computeMs) {
    Map<String, Object> line = progress.get(progress.size() - 1);
    line.put("stepMs", stepMs);
    line.put("computeMs", computeMs);
    return this;
  }

  /** Sets when the agent read the last progress line. */
  public Reports readAt(Instant time) {
    progress.get(progress.size() - 1).put("time", time.toString());
    return this;
  }

  public Reports checkpoint(UUID job, long step) {
    return checkpoint(job, step, "step-" + step, "step-" + step + "/golden.json");
  }

  /** A checkpoint line naming these files (golden null: none). */
  public Reports checkpoint(UUID job, long step, String path, String golden) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "checkpoint");
    line.put("step", step);
    line.put("path", path);
    line.put("format", "safetensors");
    line.put("sha256", "ab".repeat(32));
    line.put("sizeBytes", 5120);
    line.put("metrics", Map.of("eval_accuracy", 0.91));
    if (golden != null) {
      line.put("golden", golden);
    }
    line.put("jobId", job.toString());
    line.put("rank", 0);
    line.put("time", Instant.now().toString());
    checkpoints.add(line);
    return this;
  }

  public String json() {
    Map<String, Object> report = new LinkedHashMap<>(fields);
    report.put("chips", chips);
    report.put("progress", progress);
    report.put("checkpoints", checkpoints);
    return JSON.writeValueAsString(report);
  }

  private static Map<String, Object> chipMap(int index, String health) {
    Map<String, Object> chip = new LinkedHashMap<>();
    chip.put("index", index);
    chip.put("name", "910B1");
    chip.put("health", health);
    chip.put("powerW", 90.5);
    chip.put("tempC", 33);
    chip.put("memoryUsedMb", 3400);
    chip.put("memoryTotalMb", 65536);
    return chip;
  }
}
