package io.baton.agent.collect.nvidia;

import io.baton.agent.collect.Health;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The health rule for Nvidia GPUs: uncorrected ECC errors, pending page retirement, a failed row
 * remap or a hardware XID make a GPU FAULT; an active hardware, thermal or power-brake slowdown
 * makes it WARNING. The memory error states are reported as they are (a pending row remap too,
 * which leaves the health alone), for the orchestrator's fault policy to judge.
 */
public final class NvidiaHealth {

  /** XIDs that mean the GPU hardware, not the application, failed. */
  public static final Set<Integer> HARDWARE_XIDS = Set.of(48, 63, 64, 74, 79, 92, 94, 95);

  /**
   * A GPU's health with the evidence for it.
   *
   * @param memoryErrors the memory error states for the orchestrator's fault policy ({@code
   *     ecc:<state>}): {@code uncorrected}, {@code retired-pages-pending}, {@code
   *     row-remap-pending}, {@code row-remap-failure}
   */
  public record Verdict(
      Health health, List<String> errorCodes, List<String> reasons, List<String> memoryErrors) {}

  private NvidiaHealth() {}

  public static Verdict evaluate(GpuReading gpu, Set<Integer> xids) {
    List<String> faults = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    List<String> memory = new ArrayList<>();
    if (gpu.eccUncorrectedVolatile() != null && gpu.eccUncorrectedVolatile() > 0) {
      faults.add("uncorrected volatile ECC errors: " + gpu.eccUncorrectedVolatile());
      memory.add("uncorrected");
    }
    if (Boolean.TRUE.equals(gpu.retiredPagesPending())) {
      faults.add("retired pages pending");
      memory.add("retired-pages-pending");
    }
    if (Boolean.TRUE.equals(gpu.remappedRowsPending())) {
      memory.add("row-remap-pending");
    }
    if (Boolean.TRUE.equals(gpu.remappedRowsFailure())) {
      faults.add("row remapping failed");
      memory.add("row-remap-failure");
    }
    for (int xid : xids.stream().sorted().toList()) {
      codes.add("XID " + xid);
      if (HARDWARE_XIDS.contains(xid)) {
        faults.add("hardware XID " + xid);
      }
    }
    if (!faults.isEmpty()) {
      return new Verdict(Health.FAULT, codes, faults, memory);
    }
    if (!gpu.activeSlowdowns().isEmpty()) {
      List<String> reasons =
          gpu.activeSlowdowns().stream().map(s -> "clock slowdown active: " + s).toList();
      return new Verdict(Health.WARNING, codes, reasons, memory);
    }
    return new Verdict(Health.OK, codes, List.of(), memory);
  }
}
