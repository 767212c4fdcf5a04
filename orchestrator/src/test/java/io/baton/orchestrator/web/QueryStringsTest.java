package io.baton.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.problems.FieldViolation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryStringsTest {

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "limit=10",
        "team=research&pool=ascend-910b&limit=5",
        "cursor=eyJhIjoxfQ%3D%3D",
        "team=caf%C3%A9",
        "team=a+b",
        "flag",
        "a=1&&b=2&",
        "endpoint=%E2%9C%93"
      })
  void wellFormedQueryStringsPass(String raw) {
    assertThat(QueryStrings.check(raw)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "team=%zz|team|hex",
        "team=abc%|team|hex",
        "team=%4|team|hex",
        "team=a%00b|team|U+0000",
        "team=a%1Fb|team|U+001F",
        "team=%7f|team|U+007F",
        "team=%C3%28|team|UTF-8",
        "team=%FF%FE|team|UTF-8",
        "=1|query|name",
        "limit=1&=2|query|name",
        "%zz=1|query|hex",
        "a%00=1|query|control",
        "limit=5&team=%00|team|U+0000",
      })
  void malformedQueryStringsNameTheParameter(String raw, String field, String words) {
    FieldViolation violation = QueryStrings.check(raw).orElseThrow();

    assertThat(violation.field()).isEqualTo(field);
    assertThat(violation.message()).containsIgnoringCase(words);
  }
}
