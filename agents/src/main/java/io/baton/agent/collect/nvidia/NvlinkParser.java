package io.baton.agent.collect.nvidia;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code nvidia-smi nvlink --status} and {@code nvidia-smi nvlink --errorcounters}, alone or
 * one after the other in the same text: a {@code GPU <n>: <name> (UUID: ...)} header, then one
 * indented line per link and value.
 *
 * <pre>
 * GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-...)
 *          Link 0: 26.562 GB/s
 *          Link 1: &lt;inactive&gt;
 *          Link 0: Replay Errors: 0
 *          Link 0: CRC Errors: 0
 * </pre>
 *
 * <p>A link with a bandwidth is UP; {@code <inactive>} is DOWN, but only on a node that uses NVLink
 * at all — when no GPU of the node has an active link (PCIe cards, no bridge), inactive links are
 * the normal state and the GPUs report no links. Any other status is UNKNOWN. Counters are named in
 * lower case without their {@code Errors} suffix ({@code replay}, {@code recovery}, {@code crc});
 * values that are not whole numbers are left out.
 */
public final class NvlinkParser {

  private static final Pattern GPU = Pattern.compile("^GPU (\\d{1,3}):(.*)$");
  private static final Pattern LINK = Pattern.compile("^\\s+Link (\\d{1,3}): (.*?)\\s*$");
  private static final Pattern COUNTER = Pattern.compile("^([A-Za-z][A-Za-z ]*?)\\s*:\\s*(\\S+)$");
  private static final Pattern BANDWIDTH = Pattern.compile("^\\d+(\\.\\d+)?\\s*[GMK]B/s$");
  private static final String INACTIVE = "<inactive>";

  /** What one GPU's block said: status and counters per link number. */
  public record GpuLinks(
      int gpu,
      String header,
      Map<Integer, String> status,
      Map<Integer, Map<String, Long>> errors) {}

  private NvlinkParser() {}

  /**
   * @return the GPUs in the text by index; empty for an empty text
   * @throws ParseException when the text is not this tool's output
   */
  public static Map<Integer, GpuLinks> parse(String output) throws ParseException {
    Map<Integer, GpuLinks> gpus = new TreeMap<>();
    GpuLinks current = null;
    List<String> lines = output.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      Matcher gpu = GPU.matcher(line.stripTrailing());
      if (gpu.matches()) {
        int index = Integer.parseInt(gpu.group(1));
        current =
            gpus.computeIfAbsent(
                index,
                n -> new GpuLinks(n, gpu.group(2).strip(), new TreeMap<>(), new TreeMap<>()));
        continue;
      }
      if (current == null) {
        throw new ParseException(
            "nvidia-smi nvlink: line "
                + (i + 1)
                + ": expected 'GPU <n>: ...', found '"
                + line.strip()
                + "'");
      }
      Matcher link = LINK.matcher(line);
      if (!link.matches()) {
        continue;
      }
      int number = Integer.parseInt(link.group(1));
      String value = link.group(2);
      Matcher counter = COUNTER.matcher(value);
      if (counter.matches()) {
        Long count = count(counter.group(2));
        String name = counterName(counter.group(1));
        Map<String, Long> counters =
            current.errors().computeIfAbsent(number, n -> new LinkedHashMap<>());
        if (count != null && name.length() <= 64 && counters.size() < Link.MAX_ERRORS) {
          counters.put(name, count);
        }
      } else {
        current.status().putIfAbsent(number, value);
      }
    }
    if (gpus.isEmpty() && !output.isBlank()) {
      throw new ParseException("nvidia-smi nvlink: no 'GPU <n>: ...' line");
    }
    return gpus;
  }

  /**
   * The links of every chip, from the status (and the counters, when read).
   *
   * @param status what {@code --status} printed, parsed
   * @param errors what {@code --errorcounters} printed, parsed; empty when not read
   * @param chips the GPU indexes of the node
   */
  public static Map<Integer, List<Link>> links(
      Map<Integer, GpuLinks> status, Map<Integer, GpuLinks> errors, Collection<Integer> chips) {
    boolean nodeUsesNvlink =
        status.values().stream()
            .flatMap(g -> g.status().values().stream())
            .anyMatch(v -> BANDWIDTH.matcher(v).matches());
    Map<Integer, List<Link>> links = new TreeMap<>();
    for (int chip : chips) {
      GpuLinks gpu = status.get(chip);
      if (!nodeUsesNvlink) {
        links.put(chip, List.of());
      } else if (gpu == null || gpu.status().isEmpty()) {
        LinkState state =
            gpu != null && gpu.header().toLowerCase(Locale.ROOT).contains("inactive")
                ? LinkState.DOWN
                : LinkState.UNKNOWN;
        links.put(chip, List.of(new Link("nvlink", state)));
      } else {
        GpuLinks counted = errors.get(chip);
        List<Link> chipLinks = new ArrayList<>(gpu.status().size());
        gpu.status()
            .forEach(
                (number, value) ->
                    chipLinks.add(
                        new Link(
                            "nvlink-" + number,
                            state(value),
                            counted == null ? Map.of() : counted.errors().get(number))));
        links.put(chip, chipLinks.subList(0, Math.min(chipLinks.size(), Chip.MAX_LINKS)));
      }
    }
    return links;
  }

  static LinkState state(String value) {
    if (BANDWIDTH.matcher(value).matches()) {
      return LinkState.UP;
    }
    return INACTIVE.equalsIgnoreCase(value) ? LinkState.DOWN : LinkState.UNKNOWN;
  }

  private static String counterName(String label) {
    String name = label.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+errors$", "");
    return name.replaceAll("\\s+", "-");
  }

  private static Long count(String value) {
    try {
      long count = Long.parseLong(value);
      return count < 0 ? null : count;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
