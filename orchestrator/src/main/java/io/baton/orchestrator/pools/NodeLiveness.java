package io.baton.orchestrator.pools;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.persistence.ClusteredSchedules;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Finds nodes whose agent went silent: LOST, every chip UNKNOWN, with an event for the node and
 * each chip that changed. A clustered Quartz job, so one replica sweeps at a time.
 *
 * <p>A node's silence counts from this orchestrator's start at the earliest: while no orchestrator
 * ran, its agent had no one to report to, and a restart that took longer than the timeout must not
 * make every node LOST (and every running job restart) before the agents report again.
 */
@Component
class NodeLiveness {

  private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
  static final String ACTOR = "liveness";

  private final NodeRepository nodes;
  private final EventLog events;
  private final NodesProperties properties;
  private final Clock clock;
  private volatile Instant listeningSince;

  NodeLiveness(NodeRepository nodes, EventLog events, NodesProperties properties, Clock clock) {
    this.nodes = nodes;
    this.events = events;
    this.properties = properties;
    this.clock = clock;
  }

  /** Agents can report from now on. */
  @EventListener({WebServerInitializedEvent.class, ApplicationReadyEvent.class})
  public void listening() {
    if (listeningSince == null) {
      listeningSince = clock.instant();
    }
  }

  /** Marks every node silent for longer than the timeout LOST; returns their names. */
  @Transactional
  public List<String> sweep() {
    Instant now = clock.instant();
    Instant silentSince = now.minus(properties.timeout());
    if (listeningSince == null || silentSince.isBefore(listeningSince)) {
      return List.of();
    }
    List<NodeRepository.Lost> lost = nodes.markLostBefore(silentSince, now);
    for (NodeRepository.Lost node : lost) {
      String reason =
          "no report for more than "
              + properties.timeout().toSeconds()
              + "s (last at "
              + node.lastReportAt()
              + ")";
      events.append(
          Event.New.nodeState(
              node.name(), node.was().name(), NodeState.LOST.name(), reason, ACTOR, now));
      for (ChipHealthSummary.Change change :
          node.chipHealth().allUnknown().changesSince(node.chipHealth())) {
        events.append(
            Event.New.chipHealth(
                node.name(),
                node.chipIndexes().get(change.position()),
                change.from().name(),
                change.to().name(),
                "node lost",
                ACTOR,
                now));
      }
      log.warn("Node {} lost: {}", node.name(), reason);
    }
    return lost.stream().map(NodeRepository.Lost::name).toList();
  }

  /** The Quartz side of the sweep. */
  @DisallowConcurrentExecution
  public static class SweepJob implements Job {
    private final NodeLiveness liveness;

    public SweepJob(NodeLiveness liveness) {
      this.liveness = liveness;
    }

    @Override
    public void execute(JobExecutionContext context) {
      liveness.sweep();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail nodeLivenessJob() {
      return ClusteredSchedules.job(SweepJob.class, "node-liveness");
    }

    @Bean
    Trigger nodeLivenessTrigger(JobDetail nodeLivenessJob, NodesProperties properties) {
      return ClusteredSchedules.every(nodeLivenessJob, properties.livenessCheckInterval());
    }
  }
}
