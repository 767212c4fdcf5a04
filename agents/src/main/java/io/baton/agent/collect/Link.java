package io.baton.agent.collect;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One link of a chip: an NVLink of a GPU ({@code nvlink-3}), the RoCE port of an Ascend NPU ({@code
 * roce}) or the network health probe behind it ({@code net-health}).
 *
 * @param name what the link is called in the report; letters, digits and {@code . _ : / -}, at most
 *     {@value #MAX_NAME} characters
 * @param state UP, DOWN, or UNKNOWN when the tool could not tell
 * @param errors error counters the tool printed for the link ({@code crc}, {@code replay}, ...),
 *     empty when it printed none
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Link(String name, LinkState state, Map<String, Long> errors) {

  /** The report schema's bounds. */
  public static final int MAX_NAME = 64;

  public static final int MAX_ERRORS = 32;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");
  private static final Pattern COUNTER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public Link {
    Objects.requireNonNull(state, "state");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a link name: " + name);
    }
    errors = errors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    if (errors.size() > MAX_ERRORS) {
      throw new IllegalArgumentException("a link reports at most " + MAX_ERRORS + " counters");
    }
    errors.forEach(
        (counter, value) -> {
          if (!COUNTER.matcher(counter).matches() || value == null || value < 0) {
            throw new IllegalArgumentException("not an error counter: " + counter + "=" + value);
          }
        });
  }

  public Link(String name, LinkState state) {
    this(name, state, Map.of());
  }

  @JsonIgnore
  public boolean isDown() {
    return state == LinkState.DOWN;
  }
}
