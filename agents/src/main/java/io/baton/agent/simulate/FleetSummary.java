package io.baton.agent.simulate;

import io.baton.agent.report.ReportJson;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a simulation did: counts, rate and the latency of accepted reports.
 *
 * @param elapsedSec the time in which ticks were scheduled: the duration, or until stopped
 * @param reportsSent reports that came due and were sent; each ends up ok or failed
 * @param reportsSkipped ticks skipped because the node's previous report was still unanswered
 *     (queued in the simulator or on the wire) when the next one came due
 * @param p50Ms latency percentiles of accepted reports, from when a report was due to when its
 *     answer arrived, so they include any wait for a free connection in the simulator
 * @param failures failed reports by reason ({@code HTTP 503}, {@code ConnectException})
 */
public record FleetSummary(
    int nodes,
    int chips,
    long intervalMs,
    double elapsedSec,
    long reportsSent,
    long reportsOk,
    long reportsFailed,
    long reportsSkipped,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double maxMs,
    Map<String, Long> failures) {

  public double reportsPerSec() {
    return elapsedSec <= 0 ? 0 : reportsSent / elapsedSec;
  }

  public double okPerSec() {
    return elapsedSec <= 0 ? 0 : reportsOk / elapsedSec;
  }

  /** A table for people, then as the last line one JSON object for scripts. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "simulated %d nodes x %d chips, interval %d ms, for %.2f s%n",
            nodes,
            chips,
            intervalMs,
            elapsedSec));
    out.append(
        String.format(
            Locale.ROOT,
            "%-10s %10s %10s %10s %10s %12s%n",
            "reports",
            "sent",
            "ok",
            "failed",
            "skipped",
            "sent/s"));
    out.append(
        String.format(
            Locale.ROOT,
            "%-10s %10d %10d %10d %10d %12.1f%n",
            "",
            reportsSent,
            reportsOk,
            reportsFailed,
            reportsSkipped,
            reportsPerSec()));
    out.append(
        String.format(
            Locale.ROOT, "%-10s %10s %10s %10s %10s%n", "latency ms", "p50", "p90", "p99", "max"));
    out.append(
        String.format(
            Locale.ROOT, "%-10s %10.2f %10.2f %10.2f %10.2f%n", "", p50Ms, p90Ms, p99Ms, maxMs));
    failures.forEach(
        (reason, count) ->
            out.append("failed: ").append(reason).append(" x ").append(count).append('\n'));
    out.append(json()).append('\n');
    return out.toString();
  }

  public String json() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("nodes", nodes);
    fields.put("chips", chips);
    fields.put("intervalMs", intervalMs);
    fields.put("elapsedSec", round(elapsedSec));
    fields.put("reportsSent", reportsSent);
    fields.put("reportsOk", reportsOk);
    fields.put("reportsFailed", reportsFailed);
    fields.put("reportsSkipped", reportsSkipped);
    fields.put("reportsPerSec", round(reportsPerSec()));
    fields.put("okPerSec", round(okPerSec()));
    fields.put("p50Ms", round(p50Ms));
    fields.put("p90Ms", round(p90Ms));
    fields.put("p99Ms", round(p99Ms));
    fields.put("maxMs", round(maxMs));
    return ReportJson.MAPPER.writeValueAsString(fields);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
