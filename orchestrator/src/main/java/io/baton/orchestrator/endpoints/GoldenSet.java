package io.baton.orchestrator.endpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A checkpoint's golden set: {@code {"inputs": [[x…], …], "outputs": [[y…], …]}}, the outputs the
 * model gave those inputs when it was saved.
 */
public record GoldenSet(double[][] inputs, double[][] outputs) {

  /** The golden set can't be read or has the wrong shape. */
  public static class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  public static GoldenSet read(Path file, JsonMapper json) throws Unreadable {
    if (file == null) {
      throw new Unreadable("the checkpoint has no golden set");
    }
    JsonNode root;
    try {
      root = json.readTree(Files.readString(file));
    } catch (IOException | JacksonException e) {
      throw new Unreadable("cannot read golden set " + file + ": " + e.getMessage());
    }
    double[][] inputs = matrix(root.get("inputs"), "inputs", file);
    double[][] outputs = matrix(root.get("outputs"), "outputs", file);
    if (inputs.length == 0 || inputs.length != outputs.length) {
      throw new Unreadable(
          "golden set "
              + file
              + " has "
              + inputs.length
              + " inputs and "
              + outputs.length
              + " outputs");
    }
    return new GoldenSet(inputs, outputs);
  }

  static double[][] matrix(JsonNode node, String name, Object where) throws Unreadable {
    if (node == null || !node.isArray()) {
      throw new Unreadable(where + ": '" + name + "' is not an array of rows");
    }
    double[][] rows = new double[node.size()][];
    for (int i = 0; i < node.size(); i++) {
      JsonNode row = node.get(i);
      if (!row.isArray()) {
        throw new Unreadable(where + ": " + name + "[" + i + "] is not an array");
      }
      rows[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        if (!row.get(j).isNumber()) {
          throw new Unreadable(where + ": " + name + "[" + i + "][" + j + "] is not a number");
        }
        rows[i][j] = row.get(j).asDouble();
      }
    }
    return rows;
  }
}
