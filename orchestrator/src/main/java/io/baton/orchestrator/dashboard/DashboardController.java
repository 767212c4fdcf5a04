package io.baton.orchestrator.dashboard;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventAudience;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.pools.PoolNotFoundException;
import io.baton.orchestrator.problems.NotFoundException;
import io.baton.orchestrator.security.Caller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The few read models the dashboard needs beyond the resources' own routes: who the caller is, how
 * to log in, the fleet per pool at a glance and a pool's chips as one compact array, so the pages
 * stay fast at thousands of nodes.
 */
@RestController
class DashboardController {

  private final DashboardLogin login;
  private final FleetView fleet;
  private final PoolCatalog pools;
  private final OverviewGoodput goodput;

  DashboardController(
      DashboardLogin login, FleetView fleet, PoolCatalog pools, OverviewGoodput goodput) {
    this.login = login;
    this.fleet = fleet;
    this.pools = pools;
    this.goodput = goodput;
  }

  /** Public: how the browser logs in (token, or the OIDC issuer's endpoints and client id). */
  @GetMapping("/api/v1/dashboard/config")
  DashboardLogin.Config config() {
    return login.config();
  }

  /** The caller as the walls see it: pages show only the buttons its grants allow. */
  @GetMapping("/api/v1/me")
  Me me(@AuthenticationPrincipal Caller caller) {
    return new Me(
        caller.id(),
        caller.name(),
        caller.kind().name(),
        caller.actor(),
        caller.isAdmin(),
        caller.grants().stream().map(g -> new Me.Grant(g.team(), g.role().wire())).toList());
  }

  /**
   * Every pool with its capacity, chips held by jobs, the caller's teams' jobs by state and their
   * chip-seconds since yesterday; and the newest events the caller may see.
   */
  @GetMapping("/api/v1/dashboard/overview")
  FleetView.Overview overview(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "20") @Min(1) @Max(100) int events) {
    return fleet.overview(
        pools.all(),
        caller.visibleTeams(),
        new EventAudience(caller.visibleTeams()),
        events,
        goodput.byPool(caller));
  }

  /** Every chip of every node of a pool, by health, as one compact answer. */
  @GetMapping("/api/v1/dashboard/pools/{pool}/chips")
  FleetView.Chips chips(@PathVariable String pool) {
    pools.find(pool).orElseThrow(() -> new PoolNotFoundException(pool));
    return fleet.chips(pool);
  }

  /**
   * A node's events, newest first: its state, its chips' health and isolations (and, for admins,
   * the platform's events about it, such as injected faults).
   */
  @GetMapping("/api/v1/dashboard/nodes/{name}/history")
  FleetView.History history(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String name,
      @RequestParam(required = false) @Min(0) Integer chip,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
    if (!fleet.nodeExists(name)) {
      throw new NotFoundException("node", "name", name);
    }
    List<Event> items = fleet.history(name, chip, new EventAudience(caller.visibleTeams()), limit);
    return new FleetView.History(name, chip, items);
  }

  /**
   * {@code GET /api/v1/me}.
   *
   * @param id the identity's stable id
   * @param name what people call it
   * @param kind {@code ADMIN_TOKEN}, {@code API_TOKEN} or {@code OIDC}
   * @param actor how events record it
   * @param admin whether it holds the platform role
   * @param grants its roles per team
   */
  record Me(String id, String name, String kind, String actor, boolean admin, List<Grant> grants) {

    /** One grant, as the API writes it. */
    record Grant(String team, String role) {}
  }
}
