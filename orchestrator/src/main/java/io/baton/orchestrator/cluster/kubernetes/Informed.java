package io.baton.orchestrator.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of one kind of object filled by a Fabric8 informer, indexed by one label. It keeps trying
 * when the API server is unreachable (it never gives up) and says whether it can be trusted now:
 * listed once and watching.
 */
final class Informed<T extends HasMetadata> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Informed.class);

  private final String what;
  private final String label;
  private final SharedIndexInformer<T> informer;

  Informed(String what, Informable<T> source, String label, Duration resync) {
    this.what = what;
    this.label = label;
    this.informer =
        source
            .withIndexers(
                Map.of(
                    label,
                    o ->
                        o.getMetadata().getLabels() == null
                                || !o.getMetadata().getLabels().containsKey(label)
                            ? List.of()
                            : List.of(o.getMetadata().getLabels().get(label))))
            .runnableInformer(resync.toMillis());
    informer.exceptionHandler(
        (started, error) -> {
          log.debug("Informer of {} failed, trying again: {}", what, error.toString());
          return true;
        });
  }

  void start() {
    informer.start();
  }

  /** Whether the cache is filled and follows the API server now. */
  boolean ready() {
    return informer.hasSynced() && informer.isWatching();
  }

  String what() {
    return what;
  }

  /** Objects whose indexed label has this value. */
  List<T> byLabel(String value) {
    return informer.getIndexer().byIndex(label, value);
  }

  Optional<T> get(String namespace, String name) {
    String key = namespace == null ? name : namespace + "/" + name;
    return Optional.ofNullable(informer.getStore().getByKey(key));
  }

  @Override
  public void close() {
    informer.stop();
  }
}
