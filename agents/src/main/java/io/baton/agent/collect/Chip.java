package io.baton.agent.collect;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One NPU or GPU as the agent reports it. Every field but {@code index} and {@code health} may be
 * missing (null) when the tool does not print it.
 *
 * @param index the NPU id ({@code npu-smi}) or GPU index ({@code nvidia-smi})
 * @param chipId the chip id inside the NPU card (Ascend), null elsewhere
 * @param rawHealth the health word the tool printed, before normalization
 * @param errorCodes vendor error codes (Ascend error codes, {@code XID 79})
 * @param reasons why the health is not OK, in words
 * @param raw every field the tool printed for the chip, by the tool's own column name
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Chip(
    int index,
    Integer chipId,
    String name,
    Health health,
    String rawHealth,
    String busId,
    String uuid,
    Double powerW,
    Integer tempC,
    Integer utilizationPct,
    Long memoryUsedMb,
    Long memoryTotalMb,
    List<String> errorCodes,
    List<String> reasons,
    Map<String, String> raw) {

  public Chip {
    Objects.requireNonNull(health, "health");
    errorCodes = errorCodes == null ? List.of() : List.copyOf(errorCodes);
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    raw = raw == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(raw));
  }

  public Chip withHealth(Health newHealth, List<String> newErrorCodes, List<String> newReasons) {
    return new Chip(
        index,
        chipId,
        name,
        newHealth,
        rawHealth,
        busId,
        uuid,
        powerW,
        tempC,
        utilizationPct,
        memoryUsedMb,
        memoryTotalMb,
        newErrorCodes,
        newReasons,
        raw);
  }
}
