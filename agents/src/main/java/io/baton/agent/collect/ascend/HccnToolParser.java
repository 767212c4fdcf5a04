package io.baton.agent.collect.ascend;

import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses what {@code hccn_tool} prints about an NPU's RoCE network:
 *
 * <ul>
 *   <li>{@code hccn_tool -i <npu> -link -g}: {@code link status: UP} or {@code DOWN} — the physical
 *       port, reported as the link {@value #ROCE};
 *   <li>{@code hccn_tool -i <npu> -net_health -g}: {@code net health status: Success} — whether the
 *       NPU reaches its configured detection address, reported as the link {@value #NET_HEALTH}.
 *       {@code Success} and {@code Init} are UP (as MindCluster's exporter counts them), the
 *       documented failure words ({@code Socket fail}, {@code Receive timeout}, {@code
 *       Unreachable}, {@code Time exceeded}, {@code Fault}, {@code Thread error}, {@code Detect ip
 *       set}) are DOWN, any other word UNKNOWN.
 * </ul>
 */
public final class HccnToolParser {

  /** The name of the RoCE port in reports. */
  public static final String ROCE = "roce";

  /** The name of the network health probe in reports. */
  public static final String NET_HEALTH = "net-health";

  private static final Pattern LINK = Pattern.compile("(?i)^\\s*link status\\s*:\\s*(.*?)\\s*$");
  private static final Pattern HEALTH =
      Pattern.compile("(?i)^\\s*net health status\\s*:\\s*(.*?)\\s*$");
  private static final Pattern COMMAND =
      Pattern.compile("hccn_tool\\s+-i\\s+(\\d{1,4})\\s+-(link|net_health)\\s+-g\\s*$");
  private static final Set<String> HEALTHY = Set.of("success", "init");
  private static final Set<String> UNHEALTHY =
      Set.of(
          "socket fail",
          "receive timeout",
          "unreachable",
          "time exceeded",
          "fault",
          "thread error",
          "detect ip set");

  private HccnToolParser() {}

  /** {@code link status: UP} → the {@value #ROCE} link UP. */
  public static Link link(String output) throws ParseException {
    String word = value(LINK, output, "-link", "link status");
    LinkState state =
        switch (word.toUpperCase(Locale.ROOT)) {
          case "UP" -> LinkState.UP;
          case "DOWN" -> LinkState.DOWN;
          default -> LinkState.UNKNOWN;
        };
    return new Link(ROCE, state);
  }

  /** {@code net health status: Success} → the {@value #NET_HEALTH} link UP. */
  public static Link netHealth(String output) throws ParseException {
    String word =
        value(HEALTH, output, "-net_health", "net health status").toLowerCase(Locale.ROOT);
    LinkState state =
        HEALTHY.contains(word)
            ? LinkState.UP
            : UNHEALTHY.contains(word) ? LinkState.DOWN : LinkState.UNKNOWN;
    return new Link(NET_HEALTH, state);
  }

  /**
   * Reads a transcript of several queries, each command line followed by its output, as tickets and
   * {@code npu_info_before.txt} collections keep them:
   *
   * <pre>
   * hccn_tool -i 0 -link -g
   * link status: UP
   * /usr/local/Ascend/driver/tools/hccn_tool -i 0 -net_health -g
   * net health status: Success
   * </pre>
   *
   * @return the links of each NPU, in the order the transcript names them
   */
  public static Map<Integer, List<Link>> transcript(String text) throws ParseException {
    Map<Integer, List<Link>> links = new LinkedHashMap<>();
    List<String> lines = text.lines().toList();
    int i = 0;
    while (i < lines.size()) {
      Matcher command = COMMAND.matcher(lines.get(i));
      if (!command.find()) {
        if (!lines.get(i).isBlank()) {
          throw new ParseException(
              "hccn_tool transcript: line " + (i + 1) + ": expected 'hccn_tool -i <npu> -link -g'");
        }
        i++;
        continue;
      }
      int npu = Integer.parseInt(command.group(1));
      StringBuilder output = new StringBuilder();
      i++;
      while (i < lines.size() && !COMMAND.matcher(lines.get(i)).find()) {
        output.append(lines.get(i++)).append('\n');
      }
      Link link =
          "link".equals(command.group(2)) ? link(output.toString()) : netHealth(output.toString());
      List<Link> npuLinks = links.computeIfAbsent(npu, n -> new ArrayList<>());
      npuLinks.removeIf(l -> l.name().equals(link.name()));
      npuLinks.add(link);
    }
    if (links.isEmpty()) {
      throw new ParseException("hccn_tool transcript: no 'hccn_tool -i <npu> ...' command in it");
    }
    return links;
  }

  private static String value(Pattern pattern, String output, String query, String label)
      throws ParseException {
    for (String line : output.lines().toList()) {
      Matcher m = pattern.matcher(line);
      if (m.matches() && !m.group(1).isEmpty()) {
        return m.group(1);
      }
    }
    String first = output.strip().lines().findFirst().orElse("");
    throw new ParseException(
        "hccn_tool "
            + query
            + ": no '"
            + label
            + ": ...' line"
            + (first.isEmpty() ? " (empty output)" : " in '" + first + "'"));
  }
}
