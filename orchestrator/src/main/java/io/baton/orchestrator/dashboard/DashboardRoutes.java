package io.baton.orchestrator.dashboard;

/**
 * The dashboard's routes. Its page routes all answer the same shell (the browser's router draws the
 * page), so a deep link such as {@code /jobs/<id>} loads the app; any other unknown path stays a
 * problem document.
 */
public final class DashboardRoutes {

  /** Where the dashboard's own modules and styles are served from. */
  static final String ASSETS = "/ui/**";

  /** Versioned front-end libraries from WebJars (uPlot). */
  static final String WEBJARS = "/webjars/**";

  /** What the browser needs before it holds a token: how to log in. */
  static final String CONFIG = "/api/v1/dashboard/config";

  /** Routes anyone may GET: they carry no data. */
  public static final String[] PUBLIC = {
    "/",
    "/jobs",
    "/jobs/*",
    "/nodes",
    "/promotions",
    "/endpoints",
    "/endpoints/*",
    "/login",
    "/login/callback",
    ASSETS,
    WEBJARS,
    CONFIG
  };

  private DashboardRoutes() {}
}
