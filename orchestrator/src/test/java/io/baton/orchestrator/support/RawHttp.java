package io.baton.orchestrator.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, for requests {@link java.net.http.HttpClient} refuses
 * to send: bad percent-encoding, control characters in headers, oversized heads, raw bytes. One
 * request per connection ({@code Connection: close}).
 */
public final class RawHttp {

  private final int port;

  public RawHttp(int port) {
    this.port = port;
  }

  /**
   * Sends the request as given: {@code target} and header lines go out byte for byte (ISO-8859-1).
   */
  public Response send(String method, String target, List<String> headers, byte[] body) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    head.append("Connection: close\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (IOException refusedEarly) {
        // The server may answer (and close) before it has read all we send, e.g. a head that is
        // too large: its answer is still there to read, as a real client would.
      }
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + abbreviated(target), e);
    }
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int headEnd = -1;
    Map<String, String> headers = new LinkedHashMap<>();
    int status = 0;
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        raw.write(buffer, 0, n);
        if (headEnd < 0) {
          headEnd = indexOf(raw.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          if (headEnd >= 0) {
            String[] lines =
                new String(raw.toByteArray(), 0, headEnd, StandardCharsets.ISO_8859_1)
                    .split("\r\n");
            status = Integer.parseInt(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
              int colon = lines[i].indexOf(':');
              if (colon > 0) {
                headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
              }
            }
            if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
              break;
            }
          }
        }
      }
    } catch (SocketTimeoutException e) {
      if (headEnd < 0) {
        throw e;
      }
    }
    if (headEnd < 0) {
      throw new IOException("no response head; got " + raw.size() + " bytes");
    }
    byte[] all = raw.toByteArray();
    byte[] body = java.util.Arrays.copyOfRange(all, headEnd + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < chunked.length) {
      int lineEnd = indexOf(chunked, at, "\r\n".getBytes(StandardCharsets.US_ASCII));
      if (lineEnd < 0) {
        break;
      }
      String size = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).trim();
      int semicolon = size.indexOf(';');
      int length = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
      if (length == 0) {
        break;
      }
      out.write(chunked, lineEnd + 2, Math.min(length, chunked.length - lineEnd - 2));
      at = lineEnd + 2 + length + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    return indexOf(data, 0, pattern);
  }

  private static int indexOf(byte[] data, int from, byte[] pattern) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String abbreviated(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "…" : text;
  }

  /** Status, headers (names in lower case) and the body as text. */
  public record Response(int status, Map<String, String> headers, String body) {

    public String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }
}
