package io.llmgate.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.provider.AbstractProviderContractTest;
import io.llmgate.provider.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads a Chat Completions fixture with plain JSON, independently of the decoder under test. */
public final class ChatChunks {
  private ChatChunks() {}

  /** The non-empty values of {@code choices[0].delta.<field>}, in order. */
  public static List<String> deltas(String fixture, String field) {
    List<String> values = new ArrayList<>();
    for (String payload : Fixtures.dataPayloads(fixture)) {
      JsonArray choices = new JsonObject(payload).getJsonArray("choices");
      if (choices != null && !choices.isEmpty()) {
        String value = choices.getJsonObject(0).getJsonObject("delta", new JsonObject()).getString(field);
        if (value != null && !value.isEmpty()) {
          values.add(value);
        }
      }
    }
    return values;
  }

  /** What every OpenAI-dialect provider must send for {@code AbstractProviderContractTest.toolRequest()}. */
  public static void assertToolRequest(JsonObject body) {
    assertThat(body.getJsonArray("tools")).isEqualTo(new JsonArray().add(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("description", "Current weather")
            .put("parameters", new JsonObject(AbstractProviderContractTest.WEATHER_SCHEMA)))));
    assertThat(body.getJsonObject("tool_choice")).isEqualTo(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather")));
    assertThat(body.getBoolean("parallel_tool_calls")).isFalse();
    assertThat(body.getJsonArray("messages")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
        .add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(new JsonObject()
            .put("id", "call_1").put("type", "function").put("function", new JsonObject().put("name", "get_weather")
                .put("arguments", "{\"city\":\"Paris\"}")))))
        .add(new JsonObject().put("role", "tool").put("content", "{\"celsius\":18}").put("tool_call_id", "call_1")));
  }

  /** One content chunk, framed as the OpenAI dialect frames it. */
  public static byte[] textFrame(String model, String text) {
    JsonObject chunk = new JsonObject().put("model", model).put("choices", new JsonArray().add(
        new JsonObject().put("index", 0).put("delta", new JsonObject().put("content", text))));
    return ("data: " + chunk.encode() + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
