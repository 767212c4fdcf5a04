package io.baton.orchestrator.cluster.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where the local backend finds its installation, whatever the working directory. */
class LocalHomeTest {

  private static final Path CHECKOUT = Path.of("/opt/baton");
  private static final Set<Path> WITH_EXAMPLES = Set.of(CHECKOUT);
  private static final Path ELSEWHERE = Path.of("/home/someone");

  @Test
  void aConfiguredHomeWins() {
    assertThat(
            LocalHome.resolve(
                Optional.of(Path.of("/srv/baton/")),
                Optional.of(CHECKOUT.resolve("orchestrator/target/baton-orchestrator.jar")),
                ELSEWHERE,
                WITH_EXAMPLES::contains))
        .isEqualTo(Path.of("/srv/baton"));
  }

  @Test
  void theJarsCheckoutIsTheHomeWhereverTheOrchestratorIsStartedFrom() {
    assertThat(home("orchestrator/target/baton-orchestrator.jar")).isEqualTo(CHECKOUT);
    assertThat(home("orchestrator/target/classes")).as("tests, from classes").isEqualTo(CHECKOUT);
    assertThat(home("orchestrator/target/cds/baton-orchestrator.jar"))
        .as("the extracted jar of a class-data-sharing launch")
        .isEqualTo(CHECKOUT);
  }

  @Test
  void withoutExamplesAboveTheJarTheWorkingDirectoryIsTheHomeAsBefore() {
    assertThat(
            LocalHome.resolve(
                Optional.empty(),
                Optional.of(Path.of("/usr/lib/baton/baton-orchestrator.jar")),
                ELSEWHERE,
                WITH_EXAMPLES::contains))
        .isEqualTo(ELSEWHERE);
    assertThat(LocalHome.resolve(Optional.empty(), Optional.empty(), ELSEWHERE, p -> true))
        .isEqualTo(ELSEWHERE);
  }

  @Test
  void springBootsNestedJarUrlsNameTheOuterJar() {
    assertThat(
            LocalHome.fromUrl(
                "jar:nested:/opt/baton/orchestrator/target/baton-orchestrator.jar/!BOOT-INF/classes/!/"))
        .hasValue(Path.of("/opt/baton/orchestrator/target/baton-orchestrator.jar"));
    assertThat(LocalHome.fromUrl("file:/opt/baton/orchestrator/target/classes/"))
        .hasValue(Path.of("/opt/baton/orchestrator/target/classes"));
    assertThat(LocalHome.fromUrl("file:/opt/baton/orchestrator/target/cds/baton-orchestrator.jar"))
        .hasValue(Path.of("/opt/baton/orchestrator/target/cds/baton-orchestrator.jar"));
  }

  @Test
  void thisTestsOwnClassesFindTheCheckoutWithTheBuiltExamples() {
    assertThat(LocalHome.of(""))
        .as("orchestrator/target/classes -> the checkout's root")
        .isEqualTo(Path.of("..").toAbsolutePath().normalize());
  }

  private static Path home(String jar) {
    return LocalHome.resolve(
        Optional.empty(), Optional.of(CHECKOUT.resolve(jar)), ELSEWHERE, WITH_EXAMPLES::contains);
  }
}
