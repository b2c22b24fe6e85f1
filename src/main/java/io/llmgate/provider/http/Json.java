package io.llmgate.provider.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper of the provider packages. Wire records ignore unknown fields (providers add fields
 * all the time: wire-formats.md §2.3), and request bodies leave out absent values.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Json() {}

  static ObjectReader reader(Class<?> type) {
    return MAPPER.readerFor(type);
  }

  /** A parser Jackson feeds byte arrays to, one per stream: see {@link FrameReader}. */
  static JsonParser nonBlockingParser() {
    try {
      return MAPPER.getFactory().createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // no I/O happens creating it
    }
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
