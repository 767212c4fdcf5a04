package io.baton.examples;

/**
 * A failure that ends the demo with a one-line message on stderr and an exit code that tells an
 * operator (or the local backend) what kind of failure it was.
 */
final class DemoException extends RuntimeException {

  /** What went wrong, and the exit code it maps to. */
  enum Kind {
    /** Bad flags or environment. */
    USAGE(2),
    /** A checkpoint that is missing, corrupt or does not fit the model. */
    CHECKPOINT(1),
    /** A peer rank died, hung or never showed up: the collective cannot continue. */
    PEER(3);

    final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  private final Kind kind;

  DemoException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  DemoException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }

  static DemoException usage(String message) {
    return new DemoException(Kind.USAGE, message);
  }

  static DemoException checkpoint(String message) {
    return new DemoException(Kind.CHECKPOINT, message);
  }

  static DemoException peer(String message) {
    return new DemoException(Kind.PEER, message);
  }
}
