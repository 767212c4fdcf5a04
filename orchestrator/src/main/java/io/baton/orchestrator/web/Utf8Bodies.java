package io.baton.orchestrator.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Refuses, as malformed JSON, a request body holding a byte that never occurs in UTF-8 (0xC0, 0xC1,
 * 0xF5–0xFF). Jackson 3.1 finds a 0xFF before a member name of up to three bytes that it has seen
 * before ({@code {"\xFFurl": …}}) to be that name, so such a body would be read as valid; the other
 * malformed sequences it refuses itself. MVC bodies only: the agent report servlet reads its own,
 * and what it misreads so is the agent's data, checked by the schema all the same.
 */
@ControllerAdvice
class Utf8Bodies extends RequestBodyAdviceAdapter {

  @Override
  public boolean supports(
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public HttpInputMessage beforeBodyRead(
      HttpInputMessage message,
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType)
      throws IOException {
    InputStream body = new Checked(message.getBody());
    HttpHeaders headers = message.getHeaders();
    return new HttpInputMessage() {
      @Override
      public InputStream getBody() {
        return body;
      }

      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }
    };
  }

  /** A body that is not UTF-8. */
  static final class NotUtf8Exception extends IOException {
    NotUtf8Exception(int value, long offset) {
      super(
          String.format(
              "The request body is not UTF-8: byte 0x%02X at offset %d never occurs in UTF-8.",
              value, offset));
    }
  }

  private static final class Checked extends FilterInputStream {
    private long offset;

    Checked(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        check(b);
        offset++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int from, int length) throws IOException {
      int n = super.read(buffer, from, length);
      for (int i = from; i < from + n; i++) {
        check(buffer[i] & 0xff);
        offset++;
      }
      return n;
    }

    private void check(int b) throws NotUtf8Exception {
      if (b == 0xc0 || b == 0xc1 || b >= 0xf5) {
        throw new NotUtf8Exception(b, offset);
      }
    }
  }
}
