package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * NVIDIA's Xid catalog for Ampere and newer GPUs, reduced to what Baton needs: each Xid's
 * resolution bucket for the immediate action (https://docs.nvidia.com/deploy/xid-errors/
 * analyzing-xid-catalog.html, as NVIDIA's own NVSentinel ships it in {@code
 * distros/kubernetes/nvsentinel/charts/gpu-health-monitor/xiderrorsmapping.csv} of
 * https://github.com/NVIDIA/NVSentinel). Unused Xids, which the catalog sends to support, are
 * {@link Bucket#CONTACT_SUPPORT}. docs/fault-policy.md says what Baton does per bucket.
 */
@Decision
final class XidCatalog {

  /** The catalog's resolution buckets (immediate action). */
  public enum Bucket {
    /** No action. */
    IGNORE,
    /** Xid 154: act on the Xid it comes with. */
    XID_154_EVAL,
    /** Restart the application; the GPU is fine. */
    RESTART_APP,
    /** Alone: restart the fabric manager; with other Xids: secondary, ignore. */
    WORKFLOW_XID_45,
    /** Unexpected; report to NVIDIA. */
    CONTACT_SUPPORT,
    /** Check power and cabling. */
    CHECK_MECHANICALS,
    /** Update software or firmware. */
    UPDATE_SWFW,
    /** Look at the unified-memory driver. */
    CHECK_UVM,
    /** Reset the GPU (drain it first). */
    RESET_GPU,
    /** Double-bit ECC: reset the GPU, check retirement and remapping. */
    WORKFLOW_XID_48,
    /** NVLink error: decode, reset the GPU or reboot the node. */
    WORKFLOW_NVLINK_ERR,
    /** NVLink5 error (Blackwell): decode, reset the GPU or reboot the node. */
    WORKFLOW_NVLINK5_ERR,
    /** Restart the virtual machine. */
    RESTART_VM,
    /** Reboot the bare-metal node. */
    RESTART_BM;

    /** Parses a bucket name, case-insensitive. */
    public static Bucket of(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown Xid resolution bucket '" + name + "'; one of " + java.util.List.of(values()),
            e);
      }
    }
  }

  private static final Map<Integer, Bucket> BUCKETS = buckets();

  private XidCatalog() {}

  /** The bucket of an Xid; empty for one the catalog does not list. */
  public static Optional<Bucket> bucket(int xid) {
    return Optional.ofNullable(BUCKETS.get(xid));
  }

  /** Every listed Xid with its bucket, in Xid order. */
  public static Map<Integer, Bucket> all() {
    return BUCKETS;
  }

  private static Map<Integer, Bucket> buckets() {
    Map<Integer, Bucket> xids = new TreeMap<>();
    put(
        xids,
        Bucket.IGNORE,
        """
            14 37 38 43 44 63 66 67 92 93 106 107 121 137 141 152 153
            157 161
            """);
    put(xids, Bucket.XID_154_EVAL, "154");
    put(
        xids,
        Bucket.RESTART_APP,
        """
            8 11 13 25 31 32 39 40 41 60 68 69 70 71 72 75 76 77 80 82
            83 84 85 86 88 89 94 96 97 98 99 100 101 102 103 104 105 126
            127 128 129 130 131 132 133 134 135 139
            """);
    put(xids, Bucket.WORKFLOW_XID_45, "45");
    put(
        xids,
        Bucket.CONTACT_SUPPORT,
        """
            1 2 3 4 5 6 7 9 10 12 15 16 17 18 19 20 21 22 23 24 26 27 28
            29 30 33 34 35 36 42 47 49 50 51 52 53 55 56 57 58 59 61 65
            73 81 87 90 91 108 111 112 113 114 115 116 117 118 122 123
            124 125 138 142
            """);
    put(xids, Bucket.CHECK_MECHANICALS, "54");
    put(xids, Bucket.UPDATE_SWFW, "78");
    put(xids, Bucket.CHECK_UVM, "159");
    put(xids, Bucket.RESET_GPU, "46 62 64 95 109 110 119 120 136 140 143 155 156 158 162");
    put(xids, Bucket.WORKFLOW_XID_48, "48");
    put(xids, Bucket.WORKFLOW_NVLINK_ERR, "74");
    put(xids, Bucket.WORKFLOW_NVLINK5_ERR, "144 145 146 147 148 149 150");
    put(xids, Bucket.RESTART_VM, "151");
    put(xids, Bucket.RESTART_BM, "79 160");
    return Collections.unmodifiableMap(xids);
  }

  private static void put(Map<Integer, Bucket> xids, Bucket bucket, String numbers) {
    for (String xid : numbers.trim().split("\\s+")) {
      if (xids.put(Integer.parseInt(xid), bucket) != null) {
        throw new IllegalStateException("Xid " + xid + " listed twice");
      }
    }
  }
}
