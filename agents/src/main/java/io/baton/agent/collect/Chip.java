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
 * @param links the chip's links (NVLinks, RoCE port), empty when the agent reads none; a link the
 *     tool could not read is UNKNOWN, never left out as if healthy
 * @param memoryErrors the GPU's memory error states (Nvidia): {@code uncorrected}, {@code
 *     retired-pages-pending}, {@code row-remap-pending}, {@code row-remap-failure}; empty when none
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
    Map<String, String> raw,
    List<Link> links,
    List<String> memoryErrors) {

  /** The report schema's bound on links per chip. */
  public static final int MAX_LINKS = 64;

  public Chip {
    Objects.requireNonNull(health, "health");
    errorCodes = errorCodes == null ? List.of() : List.copyOf(errorCodes);
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    raw = raw == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    links = links == null ? List.of() : List.copyOf(links);
    memoryErrors = memoryErrors == null ? List.of() : List.copyOf(memoryErrors);
    if (links.size() > MAX_LINKS) {
      throw new IllegalArgumentException("a chip reports at most " + MAX_LINKS + " links");
    }
  }

  /** A chip without memory error states (an NPU, or a GPU whose memory is fine). */
  public Chip(
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
      Map<String, String> raw,
      List<Link> links) {
    this(
        index,
        chipId,
        name,
        health,
        rawHealth,
        busId,
        uuid,
        powerW,
        tempC,
        utilizationPct,
        memoryUsedMb,
        memoryTotalMb,
        errorCodes,
        reasons,
        raw,
        links,
        List.of());
  }

  /** A chip whose links the agent does not read. */
  public Chip(
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
    this(
        index,
        chipId,
        name,
        health,
        rawHealth,
        busId,
        uuid,
        powerW,
        tempC,
        utilizationPct,
        memoryUsedMb,
        memoryTotalMb,
        errorCodes,
        reasons,
        raw,
        List.of());
  }

  /**
   * Whether any link of the chip is DOWN. The agent only reports it; what a DOWN link means for
   * scheduling and recovery is the orchestrator's fault policy.
   */
  public boolean hasLinkDown() {
    return links.stream().anyMatch(Link::isDown);
  }

  public Chip withLinks(List<Link> newLinks) {
    return new Chip(
        index,
        chipId,
        name,
        health,
        rawHealth,
        busId,
        uuid,
        powerW,
        tempC,
        utilizationPct,
        memoryUsedMb,
        memoryTotalMb,
        errorCodes,
        reasons,
        raw,
        newLinks,
        memoryErrors);
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
        raw,
        links,
        memoryErrors);
  }
}
