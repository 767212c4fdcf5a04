package io.baton.agent.collect.ascend;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code npu-smi info -t health -i <npu> -c <chip>}: {@code key : value} lines, of which
 * {@code Health Status} and {@code Error Code} matter.
 */
public final class NpuSmiHealthParser {

  /** What the health query adds to a chip of the {@code info} table. */
  public record HealthDetail(Health health, String rawHealth, List<String> errorCodes) {
    public HealthDetail {
      errorCodes = List.copyOf(errorCodes);
    }
  }

  private NpuSmiHealthParser() {}

  public static HealthDetail parse(String output) throws ParseException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : output.lines().toList()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
    }
    String rawHealth = fields.getOrDefault("health status", fields.get("healthy"));
    if (rawHealth == null || rawHealth.isEmpty()) {
      throw new ParseException("npu-smi health: no 'Health Status : ...' line");
    }
    return new HealthDetail(
        NpuSmiInfoParser.health(rawHealth), rawHealth, errorCodes(fields.get("error code")));
  }

  /** The chip with the detail folded in: the worse of both healths, the error codes added. */
  public static Chip merge(Chip chip, HealthDetail detail) {
    Health health = Health.worst(chip.health(), detail.health());
    List<String> codes = new ArrayList<>(chip.errorCodes());
    detail.errorCodes().stream().filter(c -> !codes.contains(c)).forEach(codes::add);
    List<String> reasons = new ArrayList<>(chip.reasons());
    if (detail.health() != Health.OK) {
      String reason = "npu-smi health detail: " + detail.rawHealth();
      if (!detail.errorCodes().isEmpty()) {
        reason += " (" + String.join(" ", detail.errorCodes()) + ")";
      }
      reasons.add(reason);
    }
    return chip.withHealth(health, codes, reasons);
  }

  private static List<String> errorCodes(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("NA")) {
      return List.of();
    }
    return Arrays.stream(value.split("[\\s,]+"))
        .filter(s -> !s.isEmpty() && !s.equalsIgnoreCase("NA"))
        .toList();
  }
}
