package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.ReconcileLoop;
import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.pools.Node;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.NodeState;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Fences Kubernetes nodes from their chips' health ({@link Fencing}): every {@code
 * baton.cluster.kubernetes.fence-interval} each node of every pool is looked at again, so a missed
 * change is only a late one. Changes are read-modify-write with the object's resourceVersion; a
 * conflict (someone else changed the Node meanwhile) is retried on the fresh Node.
 */
class NodeFencer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(NodeFencer.class);

  private final KubernetesClient client;
  private final KubernetesProperties properties;
  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final KubernetesApi api;
  private final java.util.function.Supplier<Map<String, java.util.Set<Integer>>> isolated;
  private final ReconcileLoop loop;
  private final Runnable beforeWrite;

  NodeFencer(
      KubernetesClient client,
      KubernetesProperties properties,
      NodeRepository nodes,
      PoolCatalog pools) {
    this(client, properties, nodes, pools, Map::of, null, () -> {});
  }

  /**
   * @param isolated chips the fault policy isolated, by node ({@code -1}: the whole node); they
   *     fence their node as FAULT chips do
   * @param loops makes the fencing loop owned by the leader (null: a loop of its own, for tests)
   * @param beforeWrite runs just before each Node write and throws {@link
   *     io.baton.orchestrator.leadership.LeaseLost} when this replica no longer leads: the
   *     Kubernetes API cannot check the database's fence in the same write, so the check comes
   *     right before it (the Node's resourceVersion still refuses a write on a stale read)
   */
  NodeFencer(
      KubernetesClient client,
      KubernetesProperties properties,
      NodeRepository nodes,
      PoolCatalog pools,
      java.util.function.Supplier<Map<String, java.util.Set<Integer>>> isolated,
      ReconcileLoops loops,
      Runnable beforeWrite) {
    this.isolated = isolated;
    this.beforeWrite = beforeWrite;
    this.loop =
        loops == null
            ? new ReconcileLoop("baton-node-fencer", this::fenceAll)
            : loops.owned("baton-node-fencer", this::fenceAll);
    this.client = client;
    this.properties = properties;
    this.nodes = nodes;
    this.pools = pools;
    this.api = KubernetesApi.of(properties.retry());
  }

  /** One pass over every node Baton knows. */
  public void fenceAll() {
    Map<String, java.util.Set<Integer>> out = isolated.get();
    for (Pool pool : pools.all()) {
      for (Node node : nodes.page(pool.name(), null, null, 10_000)) {
        try {
          fence(
              node.name(),
              new Fencing.Chips(
                      node.chipHealth(), node.chipIndexes(), node.state() == NodeState.LOST)
                  .isolating(out.getOrDefault(node.name(), java.util.Set.of())));
        } catch (io.baton.orchestrator.leadership.LeaseLost e) {
          throw e; // this replica no longer leads: the pass ends here
        } catch (RuntimeException e) {
          log.warn("Cannot fence or release node {}; trying again: {}", node.name(), e.toString());
        }
      }
    }
  }

  /** Applies the decision for one node; returns it. A node Kubernetes does not know is left. */
  public Fencing.Action fence(String name, Fencing.Chips chips) {
    Fencing.Action[] decided = {new Fencing.Keep("no such Node")};
    updateNode(
        name,
        node -> {
          decided[0] = Fencing.decide(chips, view(node));
          return apply(node, decided[0]);
        });
    if (!(decided[0] instanceof Fencing.Keep)) {
      log.info("Node {}: {}", name, decided[0]);
    }
    return decided[0];
  }

  /**
   * Reads the Node, lets {@code change} modify it (null: no change) and writes it back with the
   * resourceVersion it was read at; on a conflict everything is done again on a fresh read.
   */
  void updateNode(String name, UnaryOperator<io.fabric8.kubernetes.api.model.Node> change) {
    api.call(
        "update Node " + name,
        () -> {
          io.fabric8.kubernetes.api.model.Node node = client.nodes().withName(name).get();
          if (node == null) {
            return null;
          }
          io.fabric8.kubernetes.api.model.Node changed = change.apply(node);
          if (changed == null) {
            return null;
          }
          beforeWrite.run();
          return client.resource(changed).update();
        });
  }

  private Fencing.NodeView view(io.fabric8.kubernetes.api.model.Node node) {
    Map<String, String> annotations = annotations(node);
    String taint =
        taints(node).stream()
            .filter(t -> properties.faultTaintKey().equals(t.getKey()))
            .map(t -> t.getValue() == null ? "" : t.getValue())
            .findFirst()
            .orElse(null);
    return new Fencing.NodeView(
        Boolean.TRUE.equals(node.getSpec().getUnschedulable()),
        taint,
        "true".equals(annotations.get(Names.CORDONED)),
        "true".equals(annotations.get(properties.holdAnnotation())));
  }

  private io.fabric8.kubernetes.api.model.Node apply(
      io.fabric8.kubernetes.api.model.Node node, Fencing.Action action) {
    List<Taint> taints = new ArrayList<>(taints(node));
    taints.removeIf(t -> properties.faultTaintKey().equals(t.getKey()));
    Map<String, String> annotations = new HashMap<>(annotations(node));
    if (action instanceof Fencing.Fence fence) {
      taints.add(
          new TaintBuilder()
              .withKey(properties.faultTaintKey())
              .withValue(fence.code())
              .withEffect("NoSchedule")
              .build());
      if (fence.cordon()) {
        node.getSpec().setUnschedulable(true);
        annotations.put(Names.CORDONED, "true");
      }
    } else if (action instanceof Fencing.Release release) {
      if (release.uncordon()) {
        node.getSpec().setUnschedulable(null);
        annotations.remove(Names.CORDONED);
      }
    } else {
      return null;
    }
    node.getSpec().setTaints(taints);
    node.getMetadata().setAnnotations(annotations);
    return node;
  }

  private static List<Taint> taints(io.fabric8.kubernetes.api.model.Node node) {
    return node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
  }

  private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.Node node) {
    return node.getMetadata().getAnnotations() == null
        ? Map.of()
        : node.getMetadata().getAnnotations();
  }

  @Override
  public void start() {
    loop.start(properties.fenceInterval(), true);
  }

  @Override
  public void stop() {
    loop.stop();
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }
}
