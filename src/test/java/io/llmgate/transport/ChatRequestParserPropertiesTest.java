package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.testing.Fuzz;
import io.llmgate.testing.Gen;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

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

  private record HostileField(String field, Object value, boolean inMessage) {}

  @Test
  void aRequestWithAHostileFieldIsParsedOrRefusedAsInvalid() {
    Gen<String> fields = Gen.of(FIELDS);
    Gen<String> messageFields = Gen.of(MESSAGE_FIELDS);
    Fuzz.forAll(random -> random.nextBoolean()
        ? new HostileField(fields.next(random), hostileValues().next(random), false)
        : new HostileField(messageFields.next(random), hostileValues().next(random), true), hostile -> {
          JsonObject request = valid();
          JsonObject target = hostile.inMessage() ? request.getJsonArray("messages").getJsonObject(0) : request;
          target.put(hostile.field(), hostile.value());
          parsedOrInvalid(request);
        });
  }

  @Test
  void anyValueAsTheRequestIsParsedOrRefusedAsInvalid() {
    Fuzz.forAll(hostileValues(), this::parsedOrInvalid);
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

  private static Gen<Object> hostileValues() {
    return Gen.oneOf(
        random -> null,
        Gen.strings(0, 300),
        Gen.strings(70_000, 70_001),
        Gen.anyInt(),
        Gen.anyLong(),
        Gen.anyDouble(),
        Gen.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, Long.MAX_VALUE, Integer.MIN_VALUE),
        Gen.bools(),
        // Deeper than 1000 never reaches the parser: Jackson's nesting limit refuses it while decoding.
        Gen.ints(0, 1000).map(ChatRequestParserPropertiesTest::nested),
        Gen.strings(0, 20).list(0, 2000).map(JsonArray::new),
        Gen.strings(0, 20).list(0, 20).map(keys -> {
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
