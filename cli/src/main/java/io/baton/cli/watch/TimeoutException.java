package io.baton.cli.watch;

/** {@code --timeout} passed before what was waited for ended. */
public final class TimeoutException extends RuntimeException {
  public TimeoutException(String message) {
    super(message);
  }
}
