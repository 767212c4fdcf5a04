package io.baton.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;

/**
 * One way a document breaks its schema.
 *
 * @param field the offending field as a dotted path ({@code checkpoint.everySteps}, {@code
 *     command[0]}); empty for the document itself
 * @param keyword the schema keyword that failed ({@code required}, {@code maximum}, ...)
 * @param message a readable sentence naming the field
 */
public record Violation(String field, String keyword, String message) {

  static String field(Error error) {
    NodePath location = error.getInstanceLocation();
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(element);
      }
    }
    // "required" and "additionalProperties" report the parent; name the property itself.
    if (error.getProperty() != null
        && ("required".equals(error.getKeyword())
            || "additionalProperties".equals(error.getKeyword())
            || "dependentRequired".equals(error.getKeyword()))) {
      if (!path.isEmpty()) {
        path.append('.');
      }
      path.append(error.getProperty());
    }
    return path.toString();
  }
}
