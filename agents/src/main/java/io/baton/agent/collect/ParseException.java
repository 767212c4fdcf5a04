package io.baton.agent.collect;

/** A tool printed something its parser cannot read: truncated, garbage or an unknown layout. */
public final class ParseException extends CollectException {

  public ParseException(String message) {
    super(message, null);
  }
}
