package io.baton.agent.simulate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 whose answers a test writes byte for byte: to play servers
 * that split their writes, chunk, close connections with or without saying so, or never answer.
 */
final class ScriptedServer implements AutoCloseable {

  /** What to write for the {@code n}-th request (from 0) on a connection. */
  interface Script {
    Answer answer(int n);
  }

  /**
   * @param writes written and flushed one by one; null never answers
   * @param close close the connection after the answer
   */
  record Answer(List<String> writes, boolean close) {
    static Answer of(boolean close, String... writes) {
      return new Answer(List.of(writes), close);
    }

    static Answer never() {
      return new Answer(null, false);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ServerSocket socket;
  private final Script script;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<String> received = new ArrayList<>();
  private final List<Socket> open = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  private ScriptedServer(Script script) throws IOException {
    this.script = script;
    this.socket = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  static ScriptedServer start(Script script) {
    try {
      return new ScriptedServer(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** {@code node/seq} of every request read in full, in arrival order. */
  synchronized List<String> received() {
    return List.copyOf(received);
  }

  int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    synchronized (this) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
    threads.shutdownNow();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        connections.incrementAndGet();
        synchronized (this) {
          open.add(connection);
        }
        threads.execute(() -> serve(connection));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = new BufferedInputStream(connection.getInputStream());
      OutputStream out = connection.getOutputStream();
      for (int n = 0; ; n++) {
        int length = -1;
        String line = readLine(in);
        if (line == null) {
          return;
        }
        while (!(line = readLine(in)).isEmpty()) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        JsonNode body = JSON.readTree(in.readNBytes(length));
        synchronized (this) {
          received.add(body.get("node").asString() + "/" + body.get("seq").asLong());
        }
        Answer answer = script.answer(n);
        if (answer.writes() == null) {
          Thread.sleep(Long.MAX_VALUE);
        }
        for (String write : answer.writes()) {
          out.write(write.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        if (answer.close()) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new IOException("connection closed mid-line");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }
}
