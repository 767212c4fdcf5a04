package io.baton.orchestrator.problems;

/** The addressed resource does not exist. */
public class NotFoundException extends ProblemException {

  public NotFoundException(String kind, String id) {
    this(kind, "id", id);
  }

  /** E.g. {@code ("pool", "name", "gpu-a")}: "No pool with name 'gpu-a'." */
  public NotFoundException(String kind, String key, String value) {
    super(
        404,
        "not-found",
        Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " not found",
        "No " + kind + " with " + key + " '" + value + "'.");
  }
}
