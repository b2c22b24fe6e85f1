package io.llmgate.transport;

import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket's text messages, refused when they are not valid UTF-8: RFC 6455 §8.1 says to fail the
 * connection (close 1007), where Vert.x decodes invalid bytes as U+FFFD and hands the text on.
 *
 * <p>Vert.x keeps assembling and bounding messages ({@code maxWebSocketMessageSize}); the frame handler,
 * which Vert.x calls right after the message handler for the same frame, checks each text frame's bytes
 * and only then passes the held message on.
 */
public final class StrictTextMessages {
  /** RFC 6455 §7.4.1: data inconsistent with the message type. */
  public static final short INVALID_PAYLOAD = 1007;

  private final ServerWebSocket ws;
  private final Handler<String> onText;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final CharBuffer scratch = CharBuffer.allocate(1024); // decoded chars are dropped: only validity counts
  private byte[] carry = new byte[0]; // a character's first bytes, left by a frame that ended inside it
  private boolean inText;
  private boolean valid;
  private String message;

  private StrictTextMessages(ServerWebSocket ws, Handler<String> onText) {
    this.ws = ws;
    this.onText = onText;
  }

  /** Hands {@code onText} each valid text message of {@code ws}; closes it with 1007 on the first invalid one. */
  public static void install(ServerWebSocket ws, Handler<String> onText) {
    StrictTextMessages messages = new StrictTextMessages(ws, onText);
    ws.textMessageHandler(text -> messages.message = text);
    ws.frameHandler(messages::onFrame);
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame.isText()) {
      inText = true;
      valid = true;
      carry = new byte[0];
      decoder.reset();
    } else if (!frame.isContinuation() || !inText) {
      return; // binary, ping, pong, close: not ours
    }
    valid = valid && isValid(withCarry(frame.binaryData().getBytes()), frame.isFinal());
    if (frame.isFinal()) {
      inText = false;
      String text = message;
      message = null;
      if (!valid) {
        ws.close(INVALID_PAYLOAD, "invalid UTF-8 in a text message");
      } else if (text != null) {
        onText.handle(text);
      }
    }
  }

  private ByteBuffer withCarry(byte[] bytes) {
    if (carry.length == 0) {
      return ByteBuffer.wrap(bytes);
    }
    return ByteBuffer.allocate(carry.length + bytes.length).put(carry).put(bytes).flip();
  }

  private boolean isValid(ByteBuffer bytes, boolean last) {
    CoderResult result;
    do {
      scratch.clear();
      result = decoder.decode(bytes, scratch, last);
    } while (result.isOverflow());
    if (result.isError()) {
      return false;
    }
    // The decoder leaves an incomplete character's bytes in the input: the next frame continues it.
    carry = new byte[bytes.remaining()];
    bytes.get(carry);
    if (last) {
      scratch.clear();
      return !decoder.flush(scratch).isError();
    }
    return true;
  }
}
