package io.baton.agent.collect.nvidia;

import java.util.List;
import java.util.Map;

/**
 * One row of {@code nvidia-smi --query-gpu}, typed; null where the tool printed {@code [N/A]} or
 * {@code [Not Supported]}.
 *
 * @param remappedRowsPending {@code remapped_rows.pending}, read only when a header names it (it is
 *     not in {@link NvidiaSmiCsvParser#QUERY})
 * @param activeSlowdowns the names of the clock slowdown reasons that are {@code Active}
 * @param raw every value as printed, by query field name
 */
public record GpuReading(
    int index,
    String uuid,
    String name,
    Integer tempC,
    Double powerW,
    Integer utilizationPct,
    Long memoryUsedMb,
    Long memoryTotalMb,
    Long eccUncorrectedVolatile,
    Boolean retiredPagesPending,
    Boolean remappedRowsPending,
    Boolean remappedRowsFailure,
    List<String> activeSlowdowns,
    Map<String, String> raw) {

  public GpuReading {
    activeSlowdowns = List.copyOf(activeSlowdowns);
  }
}
