package io.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "500ms,500",
    "5s,5000",
    "1.5s,1500",
    "1m,60000",
    "2h,7200000",
    "PT5S,5000",
    " 10S ,10000"
  })
  void readsWhatPeopleType(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5x", "", "-1s", "s", "five seconds", "PTx"})
  void anythingElseSaysWhatItWants(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration: use a number and a unit ms, s, m or h");
  }
}
