package io.baton.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

  @Test
  void appendsAndGrows() {
    ByteSink sink = new ByteSink(1);
    for (long value : new long[] {0, 7, -42, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      sink.appendDecimal(value).appendByte(' ');
    }
    sink.appendAscii("seq").append("→".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(Arrays.copyOf(sink.array(), sink.size()), StandardCharsets.UTF_8))
        .isEqualTo("0 7 -42 1234567890123 9223372036854775807 -9223372036854775808 seq→");
    sink.clear();
    assertThat(sink.size()).isZero();
  }
}
