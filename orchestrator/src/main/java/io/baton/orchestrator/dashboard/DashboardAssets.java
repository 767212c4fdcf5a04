package io.baton.orchestrator.dashboard;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard's static files: its own ES modules and styles under {@code /ui/} (revalidated on
 * every load, so a new build is picked up at once), and WebJars under {@code /webjars/} (versioned
 * paths, cached for long). Nothing else is served as a static file (Boot's default mappings are
 * off), so an unknown path stays a 404 problem document.
 */
@Configuration
class DashboardAssets implements WebMvcConfigurer {

  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry
        .addResourceHandler(DashboardRoutes.ASSETS)
        .addResourceLocations("classpath:/dashboard/ui/")
        .setCacheControl(CacheControl.noCache());
    registry
        .addResourceHandler(DashboardRoutes.WEBJARS)
        .addResourceLocations("classpath:/META-INF/resources/webjars/")
        .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic());
  }
}
