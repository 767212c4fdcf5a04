package io.baton.agent.collect;

/**
 * Why a collection produced no snapshot. The message is one line, fit for a log line or a CLI
 * error.
 */
public abstract sealed class CollectException extends Exception
    permits ParseException, CommandException {

  protected CollectException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  static String oneLine(String message) {
    String flat = message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " / ");
    return flat.length() > 300 ? flat.substring(0, 297) + "..." : flat;
  }
}
