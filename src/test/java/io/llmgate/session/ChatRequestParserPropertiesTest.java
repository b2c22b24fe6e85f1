package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Request validation on hostile payloads: a valid request with any of its fields (or a message's) replaced
 * by a hostile value, or any value at all as the request. Each is parsed or refused as
 * {@code invalid_request} with a message; nothing else escapes, and an echoed value stays short. Fixed seeds.
 */
class ChatRequestParserPropertiesTest {
  private static final String[] FIELDS = {"sessionId", "provider", "messages", "model", "system", "temperature",
    "maxTokens", "fallback", "metadata"};
  private static final String[] MESSAGE_FIELDS = {"role", "content"};
  private final ChatRequestParser parser = new ChatRequestParser(64 * 1024);

  @Property(seed = "20261203")
  void aRequestWithAHostileFieldIsParsedOrRefusedAsInvalid(
      @ForAll("fields") String field, @ForAll("hostileValues") Object value, @ForAll boolean inMessage) {
    JsonObject request = valid();
    if (inMessage) {
      request.getJsonArray("messages").getJsonObject(0).put(field.length() % 2 == 0 ? "role" : "content", value);
    } else {
      request.put(field, value);
    }
    parsedOrInvalid(request);
  }

  @Property(seed = "20261203")
  void anyValueAsTheRequestIsParsedOrRefusedAsInvalid(@ForAll("hostileValues") Object value) {
    parsedOrInvalid(value);
  }

  private void parsedOrInvalid(Object payload) {
    try {
      assertThat(parser.parse(payload)).isNotNull();
    } catch (GatewayException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(400);
    }
  }

  private static JsonObject valid() {
    return new JsonObject().put("sessionId", "s-1").put("provider", "local")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  @Provide
  Arbitrary<String> fields() {
    return Arbitraries.of(FIELDS);
  }

  @Provide
  Arbitrary<Object> hostileValues() {
    return Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.strings().ofMaxLength(300).map(Object.class::cast),
        Arbitraries.strings().ofMinLength(70_000).ofMaxLength(70_001).map(Object.class::cast),
        Arbitraries.integers().map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.doubles().map(Object.class::cast),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, Long.MAX_VALUE, Integer.MIN_VALUE)
            .map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast),
        // Deeper than 1000 never reaches the parser: Jackson's nesting limit refuses it while decoding.
        Arbitraries.integers().between(0, 1000).map(ChatRequestParserPropertiesTest::nested),
        Arbitraries.strings().ofMaxLength(20).list().ofMaxSize(2000).map(JsonArray::new),
        Arbitraries.strings().ofMaxLength(20).list().ofMaxSize(20).map(keys -> {
          JsonObject object = new JsonObject();
          keys.forEach(key -> object.put(key, key));
          return object;
        }));
  }

  /** Arrays and objects nested {@code depth} deep. */
  private static Object nested(int depth) {
    Object value = "deep";
    for (int i = 0; i < depth; i++) {
      value = i % 2 == 0 ? new JsonArray().add(value) : new JsonObject().put("k", value);
    }
    return value;
  }
}
