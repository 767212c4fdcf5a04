package io.baton.agent.simulate;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One keep-alive HTTP/1.1 connection on which the fleet simulator POSTs reports, one at a time, and
 * reads each answer (status kept, body discarded). A deliberately small client for exactly that
 * request shape, used by {@link BlockingTransport} (https): one write and usually one read per
 * report, answers read by {@link AnswerParser}. TLS comes from the given {@code SSLSocketFactory}
 * (the JDK's default one outside tests), with host name verification.
 */
final class PostConnection implements Closeable {

  /** Where requests go: {@code http(s)://host[:port]/path}. */
  record Target(String host, int port, boolean tls, String hostHeader, String path) {

    static Target of(URI endpoint) {
      String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase();
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
      }
      String host = endpoint.getHost();
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("no host in " + endpoint);
      }
      boolean tls = scheme.equals("https");
      int port = endpoint.getPort() >= 0 ? endpoint.getPort() : tls ? 443 : 80;
      String hostHeader = endpoint.getPort() >= 0 ? host + ":" + port : host;
      String bare =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      String path =
          endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
              ? "/"
              : endpoint.getRawPath();
      if (endpoint.getRawQuery() != null) {
        path += "?" + endpoint.getRawQuery();
      }
      return new Target(bare, port, tls, hostHeader, path);
    }

    /** The request line and the headers every request shares, up to the per-report ones. */
    byte[] commonHead() {
      return ("POST "
              + path
              + " HTTP/1.1\r\nHost: "
              + hostHeader
              + "\r\nUser-Agent: baton-agent-simulate\r\nContent-Type: application/json\r\n")
          .getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final Target target;
  private final SSLSocketFactory tls;
  private final int timeoutMillis;
  private final long timeoutNanos;
  private final byte[] buffer = new byte[8192];
  private final ByteBuffer input = ByteBuffer.wrap(buffer);
  private final AnswerParser answer = new AnswerParser();
  private Socket socket;
  private Socket plain;
  private InputStream in;
  private OutputStream out;

  /**
   * @param tls makes https connections; unused for http
   */
  PostConnection(Target target, Duration timeout, SSLSocketFactory tls) {
    this.target = target;
    this.tls = tls;
    this.timeoutNanos = timeout.toNanos();
    this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /**
   * Sends one request, head and body in {@code request[0, length)}, and returns the status of the
   * answer once its body has been read. A connection the server closed while it was idle in our
   * pool is replaced and the request sent once more on a new one (reports are idempotent by bootId
   * and seq); any other failure closes the connection and is thrown.
   */
  int exchange(byte[] request, int length) throws IOException {
    boolean reused = socket != null;
    if (!reused) {
      open();
    }
    try {
      return attempt(request, length);
    } catch (IOException e) {
      boolean stale = reused && !answer.started() && !(e instanceof SocketTimeoutException);
      close();
      if (!stale) {
        throw e;
      }
    }
    open();
    try {
      return attempt(request, length);
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    Socket open = socket;
    socket = null;
    plain = null;
    in = null;
    out = null;
    if (open != null) {
      try {
        open.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void open() throws IOException {
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
      plain.setSoTimeout(timeoutMillis);
      Socket connected = plain;
      if (target.tls()) {
        SSLSocket secure = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        connected = secure;
      }
      in = connected.getInputStream();
      out = connected.getOutputStream();
      socket = connected;
      this.plain = plain;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private int attempt(byte[] request, int length) throws IOException {
    answer.reset();
    long deadline = System.nanoTime() + timeoutNanos;
    out.write(request, 0, length);
    out.flush();
    while (true) {
      if (System.nanoTime() - deadline > 0) {
        throw new SocketTimeoutException("no complete answer within the request timeout");
      }
      int read = in.read(buffer, 0, buffer.length);
      if (read < 0) {
        if (!answer.endOfStream()) {
          throw new EOFException(
              answer.started()
                  ? "connection closed in the middle of an answer"
                  : "connection closed before an answer");
        }
        close();
        return answer.status();
      }
      input.clear().limit(read);
      if (answer.feed(input)) {
        if (answer.closeAfter() || input.hasRemaining()) {
          close(); // closing, or more than the one answer asked for: not to be trusted again
        }
        return answer.status();
      }
      QuickAck.now(plain);
    }
  }
}
