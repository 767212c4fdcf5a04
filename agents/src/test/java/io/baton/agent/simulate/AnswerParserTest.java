package io.baton.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerParserTest {

  private final AnswerParser parser = new AnswerParser();

  @Test
  void contentLengthBodyInOnePiece() throws ProtocolException {
    ByteBuffer in =
        bytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
                + "{\"applied\":true}");

    assertThat(parser.feed(in)).isTrue();
    assertThat(parser.status()).isEqualTo(200);
    assertThat(parser.closeAfter()).isFalse();
    assertThat(in.hasRemaining()).isFalse();
  }

  @Test
  void anAnswerArrivingByteByByte() throws ProtocolException {
    String answer =
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 14\r\nRetry-After: 1\r\n\r\n"
            + "{\"status\":503}";
    for (int i = 0; i < answer.length() - 1; i++) {
      assertThat(parser.feed(bytes(answer.substring(i, i + 1)))).as("byte %d", i).isFalse();
    }

    assertThat(parser.feed(bytes(answer.substring(answer.length() - 1)))).isTrue();
    assertThat(parser.status()).isEqualTo(503);
  }

  @Test
  void chunkedWithExtensionsAndTrailers() throws ProtocolException {
    ByteBuffer in =
        bytes(
            "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "B\r\n, world!!!!\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n");

    assertThat(parser.feed(in)).isTrue();
    assertThat(parser.status()).isEqualTo(200);
    assertThat(in.hasRemaining()).isFalse();
  }

  @Test
  void interimAnswersAreSkipped() throws ProtocolException {
    assertThat(
            parser.feed(
                bytes(
                    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.status()).isEqualTo(201);
  }

  @Test
  void aBodyWithoutLengthEndsWithTheConnection() throws ProtocolException {
    assertThat(parser.feed(bytes("HTTP/1.1 200 OK\r\n\r\nsome body"))).isFalse();
    assertThat(parser.feed(bytes(" and more"))).isFalse();

    assertThat(parser.endOfStream()).isTrue();
    assertThat(parser.status()).isEqualTo(200);
    assertThat(parser.closeAfter()).isTrue();
  }

  @Test
  void theEndOfTheStreamInTheMiddleOfAnAnswerIsNoAnswer() throws ProtocolException {
    assertThat(parser.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))).isFalse();

    assertThat(parser.endOfStream()).isFalse();
    assertThat(parser.started()).isTrue();
  }

  @Test
  void whetherTheConnectionStaysOpen() throws ProtocolException {
    assertThat(
            parser.feed(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.closeAfter()).isTrue();

    parser.reset();
    assertThat(parser.feed(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))).isTrue();
    assertThat(parser.closeAfter()).isTrue();

    parser.reset();
    assertThat(
            parser.feed(
                bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.closeAfter()).isFalse();

    parser.reset();
    assertThat(parser.feed(bytes("HTTP/1.1 204 No Content\r\n\r\n"))).isTrue();
    assertThat(parser.closeAfter()).isFalse();
  }

  @Test
  void bytesAfterTheAnswerAreLeftInTheBuffer() throws ProtocolException {
    ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1");

    assertThat(parser.feed(in)).isTrue();
    assertThat(in.remaining()).isEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SSH-2.0-OpenSSH_9.6\r\n",
        "HTTP/1.1 2OO OK\r\n",
        "HTTP/2 200\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n"
      })
  void notAnHttpAnswer(String answer) {
    assertThatThrownBy(() -> parser.feed(bytes(answer))).isInstanceOf(ProtocolException.class);
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
