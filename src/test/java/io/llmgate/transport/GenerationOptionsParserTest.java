package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.Reasoning;
import io.llmgate.stream.ResponseFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generation options and content parts of {@code llm:chat:stream} (protocol.md extensions). */
class GenerationOptionsParserTest {
  private final ChatRequestParser parser = new ChatRequestParser(16 << 20);

  private static JsonObject valid() {
    return new JsonObject().put("sessionId", "s1").put("provider", "openai")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  private static JsonObject withContent(String role, Object content) {
    return valid().put("messages", new JsonArray().add(new JsonObject().put("role", role).put("content", content)));
  }

  private static JsonObject imagePart(String url) {
    return new JsonObject().put("type", "image_url").put("imageUrl", new JsonObject().put("url", url));
  }

  @Test
  void parsesEveryOption() {
    GenerationOptions options = parser.parse(valid().put("stop", "END").put("topP", 1).put("seed", -7)
        .put("presencePenalty", -2).put("frequencyPenalty", 2.0).put("user", "u-1")
        .put("responseFormat", new JsonObject().put("type", "json_schema").put("jsonSchema", new JsonObject()
            .put("name", "answer_1").put("description", "d").put("strict", false)
            .put("schema", new JsonObject().put("type", "object").putNull("default"))))
        .put("reasoning", new JsonObject().put("effort", "high").put("budgetTokens", 2048))).options();

    assertThat(options.stop()).containsExactly("END");
    assertThat(options.topP()).hasValue(1.0);
    assertThat(options.seed()).hasValue(-7);
    assertThat(options.presencePenalty()).hasValue(-2.0);
    assertThat(options.frequencyPenalty()).hasValue(2.0);
    assertThat(options.user()).contains("u-1");
    ResponseFormat format = options.responseFormat().orElseThrow();
    assertThat(format.type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(format.name()).isEqualTo("answer_1");
    assertThat(format.description()).contains("d");
    assertThat(format.strict()).contains(false);
    assertThat(format.schema()).containsEntry("type", "object").containsEntry("default", null);
    assertThat(options.reasoning()).contains(new Reasoning(Optional.of(Reasoning.Effort.HIGH), java.util.OptionalInt.of(2048)));
    assertThat(options.reasoning().orElseThrow().budgetOrDefault()).as("an explicit budget wins").isEqualTo(2048);
  }

  @Test
  void withoutOptionsEverythingIsLeftToTheProvider() {
    assertThat(parser.parse(valid()).options()).isEqualTo(GenerationOptions.DEFAULT);
    assertThat(parser.parse(valid().put("responseFormat", new JsonObject().put("type", "text"))).options())
        .as("text is no format at all").isEqualTo(GenerationOptions.DEFAULT);
    assertThat(parser.parse(valid().put("responseFormat", new JsonObject().put("type", "json_object"))).options()
        .responseFormat()).contains(ResponseFormat.jsonObject());
  }

  @Test
  void eachInvalidOptionIsNamedWithWhatWasExpected() {
    assertInvalid(valid().put("stop", new JsonArray().add("a").add("b").add("c").add("d").add("e")),
        "stop: an array (expected: a non-empty string or an array of at most 4 of them)");
    assertInvalid(valid().put("stop", ""), "stop: \"\" (expected: a non-empty string");
    assertInvalid(valid().put("stop", new JsonArray().add(1)), "stop: an array (expected");
    assertInvalid(valid().put("topP", 1.5), "topP: 1.5 (expected: a number from 0 to 1)");
    assertInvalid(valid().put("topP", "high"), "topP: \"high\" (expected: a number from 0 to 1)");
    assertInvalid(valid().put("seed", 1.5), "seed: 1.5 (expected: an integer from -2147483648 to 2147483647)");
    assertInvalid(valid().put("seed", 1L << 40), "seed: 1099511627776 (expected: an integer from");
    assertInvalid(valid().put("presencePenalty", -2.5), "presencePenalty: -2.5 (expected: a number from -2 to 2)");
    assertInvalid(valid().put("frequencyPenalty", true), "frequencyPenalty: true (expected: a number from -2 to 2)");
    assertInvalid(valid().put("user", "u".repeat(257)),
        "user: a string of 257 characters (expected: a non-empty string of at most 256 characters)");
    assertInvalid(valid().put("responseFormat", "json"), "responseFormat: \"json\" (expected: an object)");
    assertInvalid(valid().put("responseFormat", new JsonObject().put("type", "yaml")),
        "responseFormat.type: \"yaml\" (expected: text, json_object or json_schema)");
    assertInvalid(valid().put("responseFormat", new JsonObject().put("type", "json_schema")),
        "responseFormat.jsonSchema: missing (expected: an object)");
    assertInvalid(valid().put("responseFormat", new JsonObject().put("type", "json_schema")
        .put("jsonSchema", new JsonObject().put("name", "has space"))),
        "responseFormat.jsonSchema.name: \"has space\" (expected: 1 to 64 of a-z, A-Z, 0-9, _ and -)");
    assertInvalid(valid().put("responseFormat", new JsonObject().put("type", "json_schema")
        .put("jsonSchema", new JsonObject().put("name", "n").put("schema", "{}"))),
        "responseFormat.jsonSchema.schema: \"{}\" (expected: an object)");
    assertInvalid(valid().put("reasoning", new JsonObject()), "reasoning: {} (expected: effort, budgetTokens or both)");
    assertInvalid(valid().put("reasoning", new JsonObject().put("effort", "max")),
        "reasoning.effort: \"max\" (expected: none, minimal, low, medium or high)");
    assertInvalid(valid().put("reasoning", new JsonObject().put("budgetTokens", -1)),
        "reasoning.budgetTokens: -1 (expected: an integer >= 0)");
  }

  @Test
  void contentMayBeTextAndImageParts() {
    String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});
    ChatRequest request = parser.parse(withContent("user", new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "What is "))
        .add(imagePart(png).put("imageUrl", new JsonObject().put("url", png).put("detail", "high")))
        .add(new JsonObject().put("type", "text").put("text", "this?"))
        .add(imagePart("https://example.com/a.png"))));

    assertThat(request.messages().get(0).parts()).containsExactly(new ContentPart.Text("What is "),
        new ContentPart.Image(png, Optional.of("high")), new ContentPart.Text("this?"),
        new ContentPart.Image("https://example.com/a.png", Optional.empty()));
    assertThat(request.messages().get(0).content()).isEqualTo("What is this?");
    assertThat(request.hasImages()).isTrue();
    ContentPart.Image inline = (ContentPart.Image) request.messages().get(0).parts().get(1);
    assertThat(inline.mediaType()).isEqualTo("image/png");
    assertThat(inline.base64Data()).isEqualTo("AQIDBA==");
  }

  @Test
  void badPartsAndImagesAreRefusedByName() {
    assertInvalid(withContent("user", new JsonArray()),
        "messages[0].content: [] (expected: a string or a non-empty array of parts)");
    assertInvalid(withContent("user", new JsonArray().add(new JsonObject().put("type", "audio"))),
        "messages[0].content[0].type: \"audio\" (expected: text or image_url)");
    assertInvalid(withContent("assistant", new JsonArray().add(imagePart("https://example.com/a.png"))),
        "messages[0].content[0].type: \"image_url\" (expected: text; images only in user messages)");
    assertInvalid(withContent("user", new JsonArray().add(new JsonObject().put("type", "text").put("text", 5))),
        "messages[0].content[0].text: 5 (expected: a string)");
    assertInvalid(withContent("user", new JsonArray().add(imagePart("http://example.com/a.png"))),
        "messages[0].content[0].imageUrl.url: \"http://example.com/a.png\" (expected: an https URL or a data: URI)");
    assertInvalid(withContent("user", new JsonArray().add(imagePart("https://exa mple.com/a.png"))),
        "messages[0].content[0].imageUrl.url: \"https://exa mple.com/a.png\" (expected: an https URL");
    assertInvalid(withContent("user", new JsonArray().add(imagePart("data:image/tiff;base64,AAAA"))),
        "messages[0].content[0].imageUrl.url: a data: URI of \"data:image/tiff;base64\""
            + " (expected: data:image/png|jpeg|gif|webp;base64,<data>)");
    assertInvalid(withContent("user", new JsonArray().add(imagePart("data:image/png,AAAA"))),
        "messages[0].content[0].imageUrl.url: a data: URI of \"data:image/png\"");
    assertInvalid(withContent("user", new JsonArray().add(imagePart("data:image/png;base64,AA!A"))),
        "messages[0].content[0].imageUrl.url: the data: URI's data is not base64 (expected: base64 with padding)");
    assertInvalid(withContent("user", new JsonArray().add(imagePart("https://example.com/a.png")
        .put("imageUrl", new JsonObject().put("url", "https://example.com/a.png").put("detail", "max")))),
        "messages[0].content[0].imageUrl.detail: \"max\" (expected: low, high or auto)");
  }

  @Test
  void anInlineImageIsBoundToTheSmallestProviderLimit() {
    String big = "data:image/png;base64," + "A".repeat((ContentParts.MAX_IMAGE_BYTES / 3 + 1) * 4);
    assertInvalid(withContent("user", new JsonArray().add(imagePart(big))),
        "messages[0].content[0].imageUrl.url: an image of 5242881 bytes (expected: at most 5242880)");
  }

  @Test
  void theSchemaKeepsItsKeyOrder() {
    JsonObject schema = new JsonObject().put("z", 1).put("a", new JsonObject().put("y", 2).put("b", 3));
    Map<String, Object> parsed = parser.parse(valid().put("responseFormat", new JsonObject().put("type", "json_schema")
        .put("jsonSchema", new JsonObject().put("name", "n").put("schema", schema)))).options()
        .responseFormat().orElseThrow().schema();
    assertThat(parsed.keySet()).containsExactly("z", "a");
    assertThat(((Map<?, ?>) parsed.get("a")).keySet().toString()).isEqualTo("[y, b]");
    assertThat(List.copyOf(parsed.values()).get(0)).isEqualTo(1);
  }

  private void assertInvalid(Object payload, String messageStart) {
    assertThatThrownBy(() -> parser.parse(payload))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageStartingWith(messageStart);
  }
}
