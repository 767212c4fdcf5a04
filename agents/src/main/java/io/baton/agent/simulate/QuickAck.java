package io.baton.agent.simulate;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * Acknowledges received bytes at once (Linux {@code TCP_QUICKACK}), when part of an answer arrived
 * and the rest is still to come. A server that writes an answer's head and body separately (without
 * {@code TCP_NODELAY}) holds the body back until the head is acknowledged, and the kernel delays
 * that acknowledgement by up to 40 ms hoping to piggyback it on our next request, which waits for
 * the body: every such answer would take 40 ms more. Where the option is missing, nothing happens.
 */
final class QuickAck {

  private static volatile boolean supported = true;

  private QuickAck() {}

  static void now(SocketChannel channel) {
    if (supported) {
      try {
        channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
      } catch (UnsupportedOperationException | IOException e) {
        supported = false;
      }
    }
  }

  static void now(Socket socket) {
    if (supported && socket != null) {
      try {
        socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
      } catch (UnsupportedOperationException | IOException e) {
        supported = false;
      }
    }
  }
}
