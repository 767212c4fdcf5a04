package io.baton.agent.simulate;

import java.util.Arrays;

/** A growable byte buffer, reused from one request to the next so a report allocates nothing. */
final class ByteSink {

  private byte[] bytes;
  private int size;

  ByteSink(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  byte[] array() {
    return bytes;
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  ByteSink append(byte[] data) {
    return append(data, 0, data.length);
  }

  ByteSink append(byte[] data, int offset, int length) {
    ensure(length);
    System.arraycopy(data, offset, bytes, size, length);
    size += length;
    return this;
  }

  /** Appends text that is ASCII (numbers, timestamps, JSON punctuation) one byte a char. */
  ByteSink appendAscii(CharSequence text) {
    int length = text.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      bytes[size++] = (byte) text.charAt(i);
    }
    return this;
  }

  ByteSink appendByte(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
    return this;
  }

  ByteSink appendDecimal(long value) {
    if (value < 0) {
      appendByte('-');
      if (value == Long.MIN_VALUE) {
        return appendAscii("9223372036854775808");
      }
      value = -value;
    }
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    ensure(digits);
    for (int i = size + digits - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += digits;
    return this;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
