package io.baton.agent.simulate;

import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Reads one HTTP/1.1 answer incrementally, as its bytes arrive in pieces: the status, whether the
 * connection stays open, and past the body (which is discarded). Understands Content-Length,
 * chunked and close-delimited bodies, and skips interim 1xx answers.
 */
final class AnswerParser {

  private enum State {
    STATUS,
    HEADERS,
    BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    UNTIL_CLOSE,
    DONE
  }

  private static final int MAX_LINE = 16 * 1024;

  private final StringBuilder line = new StringBuilder(128);
  private State state = State.STATUS;
  private boolean started;
  private int status;
  private boolean closeAfter;
  private boolean chunked;
  private long contentLength;
  private long remaining;

  /** Ready for the next answer. */
  void reset() {
    state = State.STATUS;
    started = false;
    line.setLength(0);
  }

  /** Whether any byte of the answer has arrived. */
  boolean started() {
    return started;
  }

  /** The final (non-1xx) status, once {@link #feed} returned true. */
  int status() {
    return status;
  }

  /** Whether the server closes the connection after this answer, or the answer said it would. */
  boolean closeAfter() {
    return closeAfter;
  }

  /**
   * Consumes bytes of the answer from {@code in}; true once the answer is complete, with {@code in}
   * positioned just past its end.
   *
   * @throws ProtocolException when the bytes are not an HTTP/1.x answer
   */
  boolean feed(ByteBuffer in) throws ProtocolException {
    if (in.hasRemaining()) {
      started = true;
    }
    while (state != State.DONE) {
      switch (state) {
        case BODY, CHUNK_DATA -> {
          int step = (int) Math.min(remaining, in.remaining());
          in.position(in.position() + step);
          remaining -= step;
          if (remaining > 0) {
            return false;
          }
          state = state == State.BODY ? State.DONE : State.CHUNK_END;
        }
        case UNTIL_CLOSE -> {
          in.position(in.limit());
          return false;
        }
        default -> {
          if (!readLine(in)) {
            return false;
          }
          onLine();
        }
      }
    }
    return true;
  }

  /** The server closed the connection; true when that ends the answer (a close-delimited body). */
  boolean endOfStream() {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      return true;
    }
    return state == State.DONE;
  }

  private boolean readLine(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
          line.setLength(length - 1);
        }
        return true;
      }
      if (line.length() >= MAX_LINE) {
        throw new ProtocolException("a line of the answer is longer than " + MAX_LINE + " bytes");
      }
      line.append((char) (b & 0xff));
    }
    return false;
  }

  private void onLine() throws ProtocolException {
    String text = line.toString();
    line.setLength(0);
    switch (state) {
      case STATUS -> status(text);
      case HEADERS -> {
        if (text.isEmpty()) {
          headersDone();
        } else {
          header(text);
        }
      }
      case CHUNK_SIZE -> {
        int end = text.indexOf(';');
        try {
          remaining = Long.parseLong((end < 0 ? text : text.substring(0, end)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new ProtocolException("malformed chunk size: " + abbreviate(text));
        }
        if (remaining < 0) {
          throw new ProtocolException("malformed chunk size: " + abbreviate(text));
        }
        state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
      }
      case CHUNK_END -> {
        if (!text.isEmpty()) {
          throw new ProtocolException("a chunk is not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (text.isEmpty()) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void status(String text) throws ProtocolException {
    if (text.length() < 12
        || !text.startsWith("HTTP/1.")
        || text.charAt(8) != ' '
        || (text.length() > 12 && text.charAt(12) != ' ')) {
      throw new ProtocolException("malformed status line: " + abbreviate(text));
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException("malformed status line: " + abbreviate(text));
      }
      code = code * 10 + (c - '0');
    }
    status = code;
    closeAfter = text.charAt(7) == '0'; // HTTP/1.0 closes unless it says keep-alive
    chunked = false;
    contentLength = -1;
    state = State.HEADERS;
  }

  private void header(String text) throws ProtocolException {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new ProtocolException("malformed header: " + abbreviate(text));
    }
    if (named(text, colon, "Content-Length")) {
      try {
        contentLength = Long.parseLong(text.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        contentLength = -2;
      }
      if (contentLength < 0) {
        throw new ProtocolException("malformed Content-Length: " + abbreviate(text));
      }
    } else if (named(text, colon, "Transfer-Encoding")) {
      chunked = text.substring(colon + 1).toLowerCase().contains("chunked");
    } else if (named(text, colon, "Connection")) {
      String tokens = text.substring(colon + 1).toLowerCase();
      if (tokens.contains("close")) {
        closeAfter = true;
      } else if (tokens.contains("keep-alive")) {
        closeAfter = false;
      }
    }
  }

  private void headersDone() throws ProtocolException {
    if (status == 101) {
      throw new ProtocolException("unexpected 101 Switching Protocols");
    }
    if (status < 200) {
      state = State.STATUS; // an interim answer; the real one follows
    } else if (status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = remaining == 0 ? State.DONE : State.BODY;
    } else {
      closeAfter = true;
      state = State.UNTIL_CLOSE;
    }
  }

  private static boolean named(String header, int colon, String name) {
    return colon == name.length() && header.regionMatches(true, 0, name, 0, colon);
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
