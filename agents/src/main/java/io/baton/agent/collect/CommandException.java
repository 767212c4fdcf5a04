package io.baton.agent.collect;

/** A vendor tool could not be run, timed out, or exited with an error. */
public final class CommandException extends CollectException {

  public CommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
