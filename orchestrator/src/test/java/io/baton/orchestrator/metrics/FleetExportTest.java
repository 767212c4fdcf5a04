package io.baton.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.metrics.FleetSnapshot.ChipRow;
import io.baton.orchestrator.metrics.FleetSnapshot.Link;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetExportTest {

  private static final List<String> HEALTH = List.of("OK", "WARNING", "FAULT", "UNKNOWN");

  @Test
  void everyChipHasOneHealthSeriesItsCurrentOneAndEveryLinkOneSeries() {
    List<ChipRow> chips = fleet(new Random(7), 40, 8);

    List<MetricSnapshot> families = FleetExport.export(snapshot(chips), Instant.EPOCH);

    Map<String, String> health = new TreeMap<>();
    for (GaugeDataPointSnapshot p : points(families, "baton_chip_health")) {
      assertThat(p.getValue()).isEqualTo(1);
      String previous = health.put(key(p), p.getLabels().get("health"));
      assertThat(previous).as("one health series for %s", key(p)).isNull();
    }
    assertThat(health)
        .isEqualTo(chips.stream().collect(Collectors.toMap(FleetExportTest::key, ChipRow::health)));

    Map<String, Double> links = new TreeMap<>();
    points(families, "baton_chip_link_up")
        .forEach(p -> links.put(key(p) + " " + p.getLabels().get("link"), p.getValue()));
    Map<String, Double> expected = new TreeMap<>();
    chips.forEach(
        c -> c.links().forEach(l -> expected.put(key(c) + " " + l.name(), l.up() ? 1.0 : 0.0)));
    assertThat(links).isEqualTo(expected);

    assertThat(points(families, "baton_chip_temperature_celsius"))
        .hasSize((int) chips.stream().filter(c -> c.temperatureCelsius() != null).count());
  }

  @Test
  void theOrderChipsArriveInChangesNothing() {
    List<ChipRow> chips = fleet(new Random(11), 25, 8);
    List<ChipRow> shuffled = new ArrayList<>(chips);
    Collections.shuffle(shuffled, new Random(3));

    assertThat(text(FleetExport.export(snapshot(shuffled), Instant.EPOCH)))
        .isEqualTo(text(FleetExport.export(snapshot(chips), Instant.EPOCH)));
  }

  /** Nodes of two pools, chips with every health, some links, some missing readings. */
  private static List<ChipRow> fleet(Random random, int nodes, int chipsPerNode) {
    List<ChipRow> chips = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      String pool = n % 3 == 0 ? "inference" : "training";
      String node = "node-" + random.nextInt(1000) + "-" + n;
      for (int c = 0; c < chipsPerNode; c++) {
        List<Link> links = new ArrayList<>();
        if (random.nextBoolean()) {
          links.add(new Link("roce", random.nextBoolean()));
        }
        if (random.nextInt(4) == 0) {
          links.add(new Link("hccs", random.nextBoolean()));
        }
        boolean read = random.nextInt(5) > 0;
        chips.add(
            new ChipRow(
                pool,
                node,
                Integer.toString(c),
                HEALTH.get(random.nextInt(HEALTH.size())),
                read ? 40.0 + random.nextInt(40) : null,
                read ? 90.0 : null,
                read ? 1024.0 : null,
                read ? 65536.0 : null,
                read ? 50.0 : null,
                links));
      }
    }
    return chips;
  }

  private static FleetSnapshot snapshot(List<ChipRow> chips) {
    return new FleetSnapshot(
        Instant.EPOCH,
        chips,
        List.of(),
        List.of(),
        List.of(),
        Map.of(),
        List.of(),
        Map.of(),
        List.of());
  }

  private static List<GaugeDataPointSnapshot> points(List<MetricSnapshot> families, String name) {
    return families.stream()
        .filter(f -> f.getMetadata().getPrometheusName().equals(name))
        .map(f -> ((GaugeSnapshot) f).getDataPoints())
        .findFirst()
        .orElseThrow();
  }

  private static String text(List<MetricSnapshot> families) {
    StringBuilder out = new StringBuilder();
    for (MetricSnapshot family : families) {
      out.append(family.getMetadata().getPrometheusName()).append('\n');
      for (DataPointSnapshot p : family.getDataPoints()) {
        out.append(p.getLabels()).append(' ').append(((GaugeDataPointSnapshot) p).getValue());
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String key(GaugeDataPointSnapshot p) {
    return p.getLabels().get("pool")
        + "/"
        + p.getLabels().get("node")
        + "/"
        + p.getLabels().get("chip");
  }

  private static String key(ChipRow c) {
    return c.pool() + "/" + c.node() + "/" + c.chip();
  }
}
