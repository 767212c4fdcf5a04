package io.baton.orchestrator.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.VersionResourceResolver;

/**
 * The dashboard's static files: its own ES modules and styles under {@code /ui/v/<version>/}, where
 * the version is a digest of all of them, so they are cached for good and a new build's shell names
 * new URLs (a page load then fetches the shell and the API's data, no module: revalidating a dozen
 * modules on every navigation cost a few hundred milliseconds on a busy orchestrator); the same
 * files under plain {@code /ui/} (revalidated on every load); and WebJars under {@code /webjars/}
 * (versioned paths, cached for long). Nothing else is served as a static file (Boot's default
 * mappings are off), so an unknown path stays a 404 problem document.
 */
@Configuration
class DashboardAssets implements WebMvcConfigurer {

  static final String LOCATION = "classpath:/dashboard/ui/";

  /** The digest of every file under {@link #LOCATION}: the version in the modules' cached URLs. */
  static final String VERSION = digest();

  /** Where the shell loads the modules from: ends with a slash. */
  static final String VERSIONED = "/ui/v/" + VERSION + "/";

  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry
        .addResourceHandler("/ui/v/**")
        .addResourceLocations(LOCATION)
        .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
        .resourceChain(true)
        .addResolver(new VersionResourceResolver().addFixedVersionStrategy(VERSION, "/**"));
    registry
        .addResourceHandler(DashboardRoutes.ASSETS)
        .addResourceLocations(LOCATION)
        .setCacheControl(CacheControl.noCache());
    registry
        .addResourceHandler(DashboardRoutes.WEBJARS)
        .addResourceLocations("classpath:/META-INF/resources/webjars/")
        .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic());
  }

  private static String digest() {
    try {
      Resource[] files =
          new PathMatchingResourcePatternResolver().getResources(LOCATION + "**/*.*");
      Arrays.sort(files, Comparator.comparing(f -> String.valueOf(f.getDescription())));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Resource file : files) {
        if (!file.isReadable()) {
          continue;
        }
        sha.update(String.valueOf(file.getFilename()).getBytes(StandardCharsets.UTF_8));
        try (InputStream in = file.getInputStream()) {
          sha.update(in.readAllBytes());
        }
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (IOException e) {
      throw new UncheckedIOException("the dashboard's modules are unreadable", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
