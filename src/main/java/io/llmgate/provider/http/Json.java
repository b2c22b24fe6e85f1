package io.llmgate.provider.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapper of the provider packages. Wire records ignore unknown fields (providers add fields
 * all the time: wire-formats.md §2.3), and request bodies leave out absent values.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type);
    }
  };

  private Json() {}

  /**
   * Parses one frame's data, or fails with a malformed-frame error that names the provider and the frame.
   * Jackson reads the UTF-8 bytes themselves (no String, no char parser) whenever that gives what parsing
   * the decoded text gives, which is every frame a provider really sends.
   */
  public static <T> T read(String provider, SseEvent frame, Class<T> type) {
    ObjectReader reader = READERS.get(type);
    ByteBuf data = frame.dataBytes();
    try {
      return readsAsText(data)
          ? reader.readValue(data.array(), data.arrayOffset() + data.readerIndex(), data.readableBytes())
          : reader.readValue(frame.data());
    } catch (IOException e) {
      throw UpstreamErrors.malformed(provider, frame.data(), "JSON " + type.getSimpleName());
    }
  }

  /**
   * Whether Jackson's byte parser sees exactly the text the JDK decodes from {@code data}. Not for
   * ill-formed UTF-8: the JDK puts U+FFFD where Jackson fails, or accepts overlong forms and surrogates.
   * Nor when its encoding detection could take the bytes for something else: a UTF-8 BOM (which it skips,
   * while the text parser refuses U+FEFF) or a zero among the first two bytes (UTF-16 or UTF-32).
   */
  private static boolean readsAsText(ByteBuf data) {
    int at = data.readerIndex();
    return data.readableBytes() >= 2 && data.getByte(at) != 0 && data.getByte(at + 1) != 0
        && data.getByte(at) != (byte) 0xEF && ByteBufUtil.isText(data, StandardCharsets.UTF_8);
  }

  /** Parses text that may or may not be JSON; a missing node when it is not. */
  public static JsonNode tree(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null ? MAPPER.missingNode() : node;
    } catch (JsonProcessingException e) {
      return MAPPER.missingNode();
    }
  }

  public static Buffer encode(Object body) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("request body: " + body.getClass().getSimpleName() + " (expected: JSON)", e);
    }
  }
}
