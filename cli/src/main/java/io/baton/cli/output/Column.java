package io.baton.cli.output;

import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** A column of a table: its header and how a row's cell is read from an item. */
public record Column(String header, Function<JsonNode, String> cell) {

  /** A column showing the item's member at {@code pointer} (e.g. {@code /spec/name}). */
  public static Column of(String header, String pointer) {
    return new Column(header, item -> Output.text(item.at(pointer)));
  }

  public static Column of(String header, Function<JsonNode, String> cell) {
    return new Column(header, cell);
  }
}
