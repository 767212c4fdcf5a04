package io.baton.schemas;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rewrites floating-point literals outside the {@code long} range ({@code -1e308}, {@code 1E400},
 * {@code 1e30}) as integer nodes of their magnitude, so that the validator's integer bounds ({@code
 * minimum}, {@code maximum}) compare them instead of failing to convert them to a {@code long}.
 * Every integer of the schemas is bounded inside that range, and every number inside a double's (a
 * test checks it), so such a value is refused wherever it breaks a bound, with the field named.
 * Documents without such a literal (all but hostile ones) are returned as they are, after one walk.
 */
final class Numbers {

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final int MAX_DIGITS = 400;
  private static final BigInteger HUGE = BigInteger.TEN.pow(MAX_DIGITS);

  private Numbers() {}

  static JsonNode integral(JsonNode document) {
    return needsRewrite(document) ? rewrite(document.deepCopy()) : document;
  }

  private static boolean needsRewrite(JsonNode node) {
    if (node.isFloatingPointNumber()) {
      return outOfLongRange(node);
    }
    if (node.isContainer()) {
      for (JsonNode child : node.values()) {
        if (needsRewrite(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonNode rewrite(JsonNode node) {
    if (node.isFloatingPointNumber() && outOfLongRange(node)) {
      return JsonNodeFactory.instance.numberNode(wholeValue(node));
    }
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> property : object.properties()) {
        object.set(property.getKey(), rewrite(property.getValue()));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, rewrite(array.get(i)));
      }
    }
    return node;
  }

  /** Whether a floating-point node is beyond what a {@code long} holds (or not finite). */
  private static boolean outOfLongRange(JsonNode node) {
    if (node.isDouble() || node.isFloat()) {
      double value = node.doubleValue();
      return !Double.isFinite(value) || value < Long.MIN_VALUE || value > Long.MAX_VALUE;
    }
    BigDecimal value = node.decimalValue();
    return value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0;
  }

  /**
   * The node's value without its fraction, at most {@value #MAX_DIGITS} digits long (a larger one
   * becomes ±10^{@value #MAX_DIGITS}: beyond every bound of the schemas all the same, and {@code
   * 1e100000000} is not expanded).
   */
  private static BigInteger wholeValue(JsonNode node) {
    BigDecimal value;
    if (node.isDouble() || node.isFloat()) {
      double d = node.doubleValue();
      if (!Double.isFinite(d)) {
        return d > 0 ? HUGE : HUGE.negate();
      }
      value = new BigDecimal(d);
    } else {
      value = node.decimalValue();
    }
    if (value.precision() - value.scale() > MAX_DIGITS) {
      return value.signum() > 0 ? HUGE : HUGE.negate();
    }
    return value.toBigInteger();
  }
}
