package io.baton.cli.output;

/** How a command prints its result: {@code -o table|json|yaml}. */
public enum Format {
  table,
  json,
  yaml
}
