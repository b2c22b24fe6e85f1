package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.testing.Script;
import io.llmgate.testing.TestGateway;
import io.llmgate.stream.FinishReason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of a {@code POST /v1/chat/completions} body this API can give, word for word, and which one
 * a body with several faults gets: OpenAI's own rules (its envelopes, {@code n}, {@code stream}) come first
 * and do not count against the rate limit, then the rate limit, then the fields the protocol shares, in the
 * protocol's order and named as OpenAI spells them.
 */
class OpenAiRefusalsTest {
  private static final int MAX_REQUEST_BYTES = 8192;
  private static TestGateway gateway;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config.withLimits(new Limits(10_000, Duration.ofMinutes(1), 8,
        MAX_REQUEST_BYTES)));
    gateway.upstream().script("plain", Script.upstream().opened("script-1").text("ok").finish(FinishReason.STOP));
    http = gateway.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        // OpenAI's own rules
        refused("model: 5 (expected: provider/model or a provider name, see GET /v1/models)", b -> b.put("model", 5)),
        refused("model: \" \" (expected: provider/model or a provider name, see GET /v1/models)", b -> b.put("model", " ")),
        refused("messages[0].tool_calls: \"x\" (expected: an array)", b -> b.put("messages", new JsonArray()
            .add(user("plain").put("tool_calls", "x")))),
        refused("messages[1].tool_calls[0]: 5 (expected: an object)", b -> calls(b, new JsonArray().add(5))),
        refused("messages[1].tool_calls[0].type: missing (expected: \"function\")",
            b -> calls(b, new JsonArray().add(new JsonObject().put("id", "c1")))),
        refused("messages[1].tool_calls[0].function: missing (expected: an object)",
            b -> calls(b, new JsonArray().add(new JsonObject().put("id", "c1").put("type", "function")))),
        refused("max_tokens: \"10\" (expected: an integer > 0)", b -> b.put("max_tokens", "10")),
        refused("max_tokens: 0 (expected: an integer > 0)", b -> b.put("max_tokens", 0)),
        refused("max_tokens: 1.5 (expected: an integer > 0)", b -> b.put("max_tokens", 1.5)),
        refused("max_completion_tokens: -3 (expected: an integer > 0)",
            b -> b.put("max_completion_tokens", -3).put("max_tokens", 10)),
        refused("tools[0]: 5 (expected: an object)", b -> b.put("tools", new JsonArray().add(5))),
        refused("tools[0].type: \"fn\" (expected: \"function\")", b -> b.put("tools", new JsonArray()
            .add(new JsonObject().put("type", "fn").put("function", new JsonObject().put("name", "f"))))),
        refused("tools[0].function: missing (expected: an object)", b -> b.put("tools", new JsonArray()
            .add(new JsonObject().put("type", "function")))),
        refused("tool_choice.type: missing (expected: \"function\")", b -> b.put("tool_choice", new JsonObject())),
        refused("tool_choice.function: \"f\" (expected: an object)", b -> b.put("tool_choice", new JsonObject()
            .put("type", "function").put("function", "f"))),
        refused("n: \"1\" (expected: 1)", b -> b.put("n", "1")),
        refused("n: 0 (expected: 1)", b -> b.put("n", 0)),
        refused("functions: not supported (expected: tools, which replaced it)",
            b -> b.put("functions", new JsonArray().add(new JsonObject().put("name", "f")))),
        refused("stream: 1 (expected: true or false)", b -> b.put("stream", 1)),
        refused("stream_options: 5 (expected: an object)", b -> b.put("stream_options", 5)),
        refused("include_usage: \"yes\" (expected: true or false)",
            b -> b.put("stream_options", new JsonObject().put("include_usage", "yes"))),
        // the protocol's rules, in OpenAI's names
        refused("messages: missing (expected: a non-empty array of {role, content})", b -> without(b, "messages")),
        refused("messages: [] (expected: a non-empty array of {role, content})", b -> b.put("messages", new JsonArray())),
        refused("messages: \"hi\" (expected: a non-empty array of {role, content})", b -> b.put("messages", "hi")),
        refused("messages[0]: 5 (expected: an object)", b -> b.put("messages", new JsonArray().add(5))),
        refused("messages[0].role: \"bot\" (expected: system, user, assistant or tool)",
            b -> b.put("messages", new JsonArray().add(user("plain").put("role", "bot")))),
        refused("messages[0].role: missing (expected: system, user, assistant or tool)",
            b -> b.put("messages", new JsonArray().add(new JsonObject().put("content", "plain")))),
        refused("messages[0].content: missing (expected: a string or a non-empty array of parts)",
            b -> b.put("messages", new JsonArray().add(new JsonObject().put("role", "user")))),
        refused("messages[0].content: [] (expected: a string or a non-empty array of parts)",
            b -> b.put("messages", new JsonArray().add(user("plain").put("content", new JsonArray())))),
        refused("messages[0].content[0]: 5 (expected: an object)",
            b -> b.put("messages", new JsonArray().add(user("plain").put("content", new JsonArray().add(5))))),
        refused("messages[0].content[0].text: missing (expected: a string)", b -> b.put("messages", new JsonArray()
            .add(user("plain").put("content", new JsonArray().add(new JsonObject().put("type", "text")))))),
        refused("messages[0].content[1].image_url.url: \"http://example.com/a.png\" (expected: an https URL or a"
            + " data: URI)", b -> image(b, new JsonObject().put("url", "http://example.com/a.png"))),
        refused("messages[0].content[1].image_url.detail: \"max\" (expected: low, high or auto)",
            b -> image(b, new JsonObject().put("url", "https://example.com/a.png").put("detail", "max"))),
        refused("messages[0].content[1].image_url.url: a data: URI of \"data:image/bmp;base64\" (expected:"
            + " data:image/png|jpeg|gif|webp;base64,<data>)", b -> image(b, new JsonObject()
            .put("url", "data:image/bmp;base64,AAAA"))),
        refused("messages[1].content[0].type: \"image_url\" (expected: text; images only in user messages)",
            b -> b.put("messages", new JsonArray().add(user("plain")).add(new JsonObject().put("role", "assistant")
                .put("content", new JsonArray().add(new JsonObject().put("type", "image_url")
                    .put("image_url", new JsonObject().put("url", "https://example.com/a.png"))))))),
        refused("messages[1].tool_calls[0].id: missing (expected: a non-empty string)",
            b -> calls(b, new JsonArray().add(call(null, "f", "{}")))),
        refused("messages[1].tool_calls[0].name: missing (expected: a non-empty string)",
            b -> calls(b, new JsonArray().add(call("c1", null, "{}")))),
        refused("messages[1].tool_calls[0].name: \"a b\" (expected: 1 to 64 letters, digits, _ or -)",
            b -> calls(b, new JsonArray().add(call("c1", "a b", "{}")))),
        refused("messages[1].tool_calls[0].arguments: \"nope\" (expected: the arguments as a JSON object in a string)",
            b -> calls(b, new JsonArray().add(call("c1", "f", "nope")))),
        refused("messages[2].tool_call_id: missing (expected: a non-empty string)",
            b -> conversation(b, new JsonObject().put("role", "tool").put("content", "42"))),
        refused("messages[2].tool_call_id: \"c9\" (expected: the id of a call in an earlier assistant message's"
            + " toolCalls)", b -> conversation(b, result("c9"))),
        refused("messages[2].content: 5 (expected: a string or a non-empty array of parts)",
            b -> conversation(b, result("c1").put("content", 5))),
        refused("temperature: 3 (expected: a number from 0 to 2)", b -> b.put("temperature", 3)),
        refused("temperature: \"hot\" (expected: a number from 0 to 2)", b -> b.put("temperature", "hot")),
        refused("maxTokens: 3000000000 (expected: an integer > 0)", b -> b.put("max_tokens", 3_000_000_000L)),
        refused("stop: \"\" (expected: a non-empty string or an array of at most 4 of them)", b -> b.put("stop", "")),
        refused("stop: 5 (expected: a non-empty string or an array of at most 4 of them)", b -> b.put("stop", 5)),
        refused("top_p: \"x\" (expected: a number from 0 to 1)", b -> b.put("top_p", "x")),
        refused("seed: 1.5 (expected: an integer from -2147483648 to 2147483647)", b -> b.put("seed", 1.5)),
        refused("seed: 1099511627776 (expected: an integer from -2147483648 to 2147483647)",
            b -> b.put("seed", 1L << 40)),
        refused("presence_penalty: -3 (expected: a number from -2 to 2)", b -> b.put("presence_penalty", -3)),
        refused("frequency_penalty: true (expected: a number from -2 to 2)", b -> b.put("frequency_penalty", true)),
        refused("user: 5 (expected: a non-empty string of at most 256 characters)", b -> b.put("user", 5)),
        refused("user: a string of 257 characters (expected: a non-empty string of at most 256 characters)",
            b -> b.put("user", "u".repeat(257))),
        refused("response_format: \"json\" (expected: an object)", b -> b.put("response_format", "json")),
        refused("response_format.type: \"xml\" (expected: text, json_object or json_schema)",
            b -> b.put("response_format", new JsonObject().put("type", "xml"))),
        refused("response_format.json_schema: missing (expected: an object)",
            b -> b.put("response_format", new JsonObject().put("type", "json_schema"))),
        refused("response_format.json_schema.description: 5 (expected: a string)", b -> schema(b, new JsonObject()
            .put("name", "s").put("description", 5))),
        refused("response_format.json_schema.schema: \"x\" (expected: an object)", b -> schema(b, new JsonObject()
            .put("name", "s").put("schema", "x"))),
        refused("response_format.json_schema.strict: \"yes\" (expected: true or false)", b -> schema(b,
            new JsonObject().put("name", "s").put("strict", "yes"))),
        refused("reasoning_effort: 5 (expected: none, minimal, low, medium or high)", b -> b.put("reasoning_effort", 5)),
        refused("thinking.budget_tokens: \"x\" (expected: an integer >= 0)", b -> b.put("thinking", new JsonObject()
            .put("type", "enabled").put("budget_tokens", "x"))),
        refused("tools: \"x\" (expected: an array of {name, description?, parameters?})", b -> b.put("tools", "x")),
        refused("tools[0].name: missing (expected: a non-empty string)", b -> tools(b, new JsonObject())),
        refused("tools[0].name: \"a b\" (expected: 1 to 64 letters, digits, _ or -)",
            b -> tools(b, new JsonObject().put("name", "a b"))),
        refused("tools[1].name: \"f\" (expected: a name no other tool has)",
            b -> tools(b, new JsonObject().put("name", "f"), new JsonObject().put("name", "f"))),
        refused("tools[0].description: 5 (expected: a string)",
            b -> tools(b, new JsonObject().put("name", "f").put("description", 5))),
        refused("tools[0].parameters: \"x\" (expected: a JSON Schema object)",
            b -> tools(b, new JsonObject().put("name", "f").put("parameters", "x"))),
        refused("tool_choice: \"sometimes\" (expected: \"auto\", \"none\", \"required\" or {name} of one of tools)",
            b -> b.put("tool_choice", "sometimes")),
        refused("tool_choice: \"required\" with no tools (expected: tools to choose from)",
            b -> b.put("tool_choice", "required")),
        refused("tool_choice.name: \"g\" (expected: \"auto\", \"none\", \"required\" or {name} of one of tools)",
            b -> tools(b, new JsonObject().put("name", "f")).put("tool_choice", named("g"))),
        refused("tool_choice.name: missing (expected: a non-empty string)",
            b -> b.put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject()))),
        refused("parallel_tool_calls: \"yes\" (expected: true or false)", b -> b.put("parallel_tool_calls", "yes")),
        refused("model: \"\" (expected: a non-empty string)", b -> b.put("model", "nowhere/")),
        refused("request: nested deeper than 32 levels (expected: at most 32)",
            b -> b.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema",
                new JsonObject().put("name", "s").put("schema", nested(40))))),
        refused("request: nested deeper than 32 levels (expected: at most 32)",
            b -> b.put("messages", new JsonArray().add(user("plain").put("extra", nested(40))))),
        // counted on the body the client sent, also in what this API does not read
        refused("request: nested deeper than 32 levels (expected: at most 32)", b -> b.put("metadata", nested(40))));
  }

  static Stream<Arguments> firstOfSeveral() {
    return Stream.of(
        // OpenAI's own rules in their order, before any of the protocol's
        refused("model: 5 (expected: provider/model or a provider name, see GET /v1/models)",
            b -> calls(b, new JsonArray().add(5)).put("model", 5)),
        refused("messages[1].tool_calls[0]: 5 (expected: an object)",
            b -> calls(b, new JsonArray().add(5)).put("max_tokens", -1)),
        refused("max_tokens: -1 (expected: an integer > 0)", b -> b.put("max_tokens", -1).put("thinking", true)),
        refused("thinking: true (expected: {type: \"enabled\", budget_tokens} or {type: \"disabled\"}, the latter with"
            + " no reasoning_effort but none)", b -> b.put("thinking", true).put("tools", new JsonArray().add(5))),
        refused("tools[0]: 5 (expected: an object)",
            b -> b.put("tools", new JsonArray().add(5)).put("tool_choice", new JsonObject())),
        refused("tool_choice.type: missing (expected: \"function\")", b -> b.put("tool_choice", new JsonObject())
            .put("n", 2)),
        refused("n: 2 (expected: 1)", b -> b.put("n", 2).put("functions", new JsonArray().add(new JsonObject()))),
        refused("functions: not supported (expected: tools, which replaced it)",
            b -> b.put("functions", new JsonArray().add(new JsonObject())).put("stream", "yes")),
        refused("stream: \"yes\" (expected: true or false)", b -> b.put("stream", "yes").put("stream_options", 5)),
        refused("n: 2 (expected: 1)", b -> b.put("n", 2).put("messages", new JsonArray()).put("temperature", 9)),
        refused("stream_options: 5 (expected: an object)", b -> b.put("stream_options", 5)
            .put("response_format", "json").put("model", "gpt-4o")),
        // then the protocol's, in its order
        refused("request: nested deeper than 32 levels (expected: at most 32)",
            b -> b.put("messages", new JsonArray().add(user("plain").put("extra", nested(40)))).put("messages",
                new JsonArray().add(new JsonObject().put("extra", nested(40))))),
        refused("messages[0].role: missing (expected: system, user, assistant or tool)",
            b -> b.put("messages", new JsonArray().add(new JsonObject())).put("model", "nowhere/")),
        refused("model: \"\" (expected: a non-empty string)", b -> b.put("model", "nowhere/").put("temperature", 9)),
        refused("temperature: 9 (expected: a number from 0 to 2)", b -> b.put("temperature", 9)
            .put("max_tokens", 3_000_000_000L)),
        refused("maxTokens: 3000000000 (expected: an integer > 0)", b -> b.put("max_tokens", 3_000_000_000L)
            .put("stop", 5)),
        refused("stop: 5 (expected: a non-empty string or an array of at most 4 of them)",
            b -> b.put("stop", 5).put("top_p", 5)),
        refused("top_p: 5 (expected: a number from 0 to 1)", b -> b.put("top_p", 5).put("seed", "x")),
        refused("seed: \"x\" (expected: an integer from -2147483648 to 2147483647)",
            b -> b.put("seed", "x").put("presence_penalty", 5)),
        refused("presence_penalty: 5 (expected: a number from -2 to 2)",
            b -> b.put("presence_penalty", 5).put("frequency_penalty", 5)),
        refused("frequency_penalty: 5 (expected: a number from -2 to 2)",
            b -> b.put("frequency_penalty", 5).put("user", 5)),
        refused("user: 5 (expected: a non-empty string of at most 256 characters)",
            b -> b.put("user", 5).put("response_format", "json")),
        refused("response_format: \"json\" (expected: an object)",
            b -> b.put("response_format", "json").put("reasoning_effort", "max")),
        refused("reasoning_effort: \"max\" (expected: none, minimal, low, medium or high)",
            b -> b.put("reasoning_effort", "max").put("tools", "x")),
        refused("tools: \"x\" (expected: an array of {name, description?, parameters?})",
            b -> b.put("tools", "x").put("tool_choice", "sometimes")),
        refused("tool_choice: \"sometimes\" (expected: \"auto\", \"none\", \"required\" or {name} of one of tools)",
            b -> b.put("tool_choice", "sometimes").put("parallel_tool_calls", 1)),
        refused("temperature: 9 (expected: a number from 0 to 2)", b -> b.put("temperature", 9).put("model", "gpt-4o")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void eachBadFieldIsRefusedAndNamed(String message, JsonObject body) throws Exception {
    assertRefused(body, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("firstOfSeveral")
  void aBodyWithSeveralFaultsIsRefusedForTheFirst(String message, JsonObject body) throws Exception {
    assertRefused(body, message);
  }

  @Test
  void bodiesThatAreNotAnObjectAreRefused() throws Exception {
    assertBodyRefused(Buffer.buffer(), 400, "body: missing (expected: a JSON object)");
    assertBodyRefused(Buffer.buffer("{"), 400, "body: not valid JSON (expected: a JSON object)");
    assertBodyRefused(Buffer.buffer("[1]"), 400, "body: an array (expected: a JSON object)");
    assertBodyRefused(Buffer.buffer("null"), 400, "body: null (expected: a JSON object)");
    assertBodyRefused(body().put("messages", new JsonArray().add(user("x".repeat(MAX_REQUEST_BYTES)))).toBuffer(),
        413, "request: more than " + MAX_REQUEST_BYTES + " bytes (expected: at most " + MAX_REQUEST_BYTES + ")");
  }

  @Test
  void unknownModelWithAnInvalidFieldIsRefusedForTheField() throws Exception {
    Answer answer = post(body().put("model", "gpt-4o").put("top_p", 2).toBuffer());
    assertThat(answer.status).isEqualTo(400);
    assertThat(answer.message()).isEqualTo("top_p: 2 (expected: a number from 0 to 1)");
  }

  @Test
  void whatOpenAiAllowsOrLlmgateIgnoresIsAccepted() throws Exception {
    for (UnaryOperator<JsonObject> tweak : java.util.List.<UnaryOperator<JsonObject>>of(
        b -> b.put("n", 1), b -> b.put("n", 1.0), b -> b.putNull("n"), b -> b.put("functions", new JsonArray()),
        b -> b.put("functions", "ignored"), b -> b.putNull("max_completion_tokens").put("max_tokens", -1),
        b -> b.put("max_completion_tokens", 5).put("max_tokens", "ignored"), b -> b.put("stream", false)
            .put("stream_options", new JsonObject()), b -> b.put("logit_bias", new JsonObject().put("50256", -100)),
        b -> b.putNull("tools").putNull("tool_choice").putNull("parallel_tool_calls").putNull("stop"),
        b -> b.put("messages", new JsonArray().add(user("plain").put("tool_calls", new JsonArray()))),
        b -> tools(b, new JsonObject().put("name", "f").put("strict", true)).put("tool_choice", named("f"))
            .put("parallel_tool_calls", false),
        b -> calls(b, new JsonArray().add(call("c1", "f", null))),
        b -> conversation(b, result("c1")),
        b -> b.put("response_format", new JsonObject().put("type", "text")),
        b -> b.put("thinking", new JsonObject().put("type", "disabled")).put("reasoning_effort", "none"))) {
      JsonObject body = tweak.apply(body());
      Answer answer = post(body.toBuffer());
      assertThat(answer.status).as(body.encode() + " -> " + answer.body).isEqualTo(200);
    }
  }

  /**
   * The body's limit is the request's (413 over it): the protocol payload this route once built from the
   * body, and measured again, was larger (the stream's id, its provider), so a body near the limit was
   * refused 400 for bytes the client never sent.
   */
  @Test
  void aBodyWithinMaxRequestBytesIsNotRefusedForItsSize() throws Exception {
    JsonObject body = body().put("messages", new JsonArray().add(new JsonObject().put("role", "system")
        .put("content", "")).add(user("plain")));
    int padding = MAX_REQUEST_BYTES - body.toBuffer().length();
    body.getJsonArray("messages").getJsonObject(0).put("content", "x".repeat(padding));
    assertThat(body.toBuffer().length()).isEqualTo(MAX_REQUEST_BYTES);

    Answer answer = post(body.toBuffer());

    assertThat(answer.status).as(answer.body.toString()).isEqualTo(200);
  }

  /** Only OpenAI's names are read: the protocol payload built from a copy of each message let its own through. */
  @Test
  void theProtocolsNamesInsideAnOpenAiMessageAreNotRead() throws Exception {
    assertRefused(conversation(body(), new JsonObject().put("role", "tool").put("toolCallId", "c1")
        .put("content", "42")), "messages[2].tool_call_id: missing (expected: a non-empty string)");
    assertRefused(body().put("messages", new JsonArray().add(user("plain").put("content",
        new JsonArray().add(new JsonObject().put("type", "image_url").put("imageUrl", new JsonObject()
            .put("url", "https://example.com/a.png")))))),
        "messages[0].content[0].image_url: missing (expected: an object)");
  }

  @Test
  void openAisOwnRefusalsDoNotCountAgainstTheRateLimitTheProtocolsDo() throws Exception {
    try (TestGateway limited = TestGateway.start(config -> config.withLimits(new Limits(3, Duration.ofMinutes(1), 8,
        MAX_REQUEST_BYTES)))) {
      String token = limited.token("counted");
      for (int i = 0; i < 5; i++) {
        assertThat(post(limited, body().put("n", 2).put("temperature", 9).toBuffer(), token).message())
            .isEqualTo("n: 2 (expected: 1)");
      }
      for (int i = 0; i < 3; i++) {
        assertThat(post(limited, body().put("temperature", 9).toBuffer(), token).message())
            .isEqualTo("temperature: 9 (expected: a number from 0 to 2)");
      }
      Answer over = post(limited, body().put("temperature", 9).toBuffer(), token);
      assertThat(over.status).isEqualTo(429);
      assertThat(over.code()).isEqualTo("rate_limited");
      assertThat(post(limited, body().put("stream", "yes").toBuffer(), token).message())
          .isEqualTo("stream: \"yes\" (expected: true or false)");
    }
  }

  private static Arguments refused(String message, UnaryOperator<JsonObject> tweak) {
    return Arguments.of(message, tweak.apply(body()));
  }

  private static JsonObject body() {
    return new JsonObject().put("model", "scripted").put("messages", new JsonArray().add(user("plain")));
  }

  private static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }

  private static JsonObject without(JsonObject body, String field) {
    body.remove(field);
    return body;
  }

  /** The user's message followed by an assistant message making {@code calls}. */
  private static JsonObject calls(JsonObject body, JsonArray calls) {
    return body.put("messages", new JsonArray().add(user("plain"))
        .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", calls)));
  }

  private static JsonObject call(String id, String name, String arguments) {
    JsonObject function = new JsonObject().put("name", name);
    if (arguments != null) {
      function.put("arguments", arguments);
    }
    JsonObject call = new JsonObject().put("type", "function").put("function", function);
    return id == null ? call : call.put("id", id);
  }

  /** A call of {@code f} with id {@code c1}, then {@code answer}. */
  private static JsonObject conversation(JsonObject body, JsonObject answer) {
    calls(body, new JsonArray().add(call("c1", "f", "{}")));
    body.getJsonArray("messages").add(answer);
    return body;
  }

  private static JsonObject result(String callId) {
    return new JsonObject().put("role", "tool").put("tool_call_id", callId).put("content", "42");
  }

  private static JsonObject image(JsonObject body, JsonObject imageUrl) {
    return body.put("messages", new JsonArray().add(user("plain").put("content", new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "plain"))
        .add(new JsonObject().put("type", "image_url").put("image_url", imageUrl)))));
  }

  private static JsonObject schema(JsonObject body, JsonObject jsonSchema) {
    return body.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", jsonSchema));
  }

  private static JsonObject tools(JsonObject body, JsonObject... functions) {
    JsonArray tools = new JsonArray();
    for (JsonObject function : functions) {
      tools.add(new JsonObject().put("type", "function").put("function", function));
    }
    return body.put("tools", tools);
  }

  private static JsonObject named(String function) {
    return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", function));
  }

  private static JsonObject nested(int levels) {
    JsonObject inner = new JsonObject().put("leaf", 1);
    for (int i = 1; i < levels; i++) {
      inner = new JsonObject().put("n", inner);
    }
    return inner;
  }

  private static void assertRefused(JsonObject body, String message) throws Exception {
    assertBodyRefused(body.toBuffer(), 400, message);
  }

  private static void assertBodyRefused(Buffer body, int status, String message) throws Exception {
    Answer answer = post(body);
    assertThat(answer.message()).isEqualTo(message);
    assertThat(answer.status).as(message).isEqualTo(status);
    assertThat(answer.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    assertThat(answer.code()).isEqualTo("invalid_request");
    assertThat(answer.shouldRetry).isEqualTo("false");
  }

  private record Answer(int status, String shouldRetry, Buffer body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String message() {
      return json().getJsonObject("error").getString("message");
    }

    String code() {
      return json().getJsonObject("error").getString("code");
    }
  }

  private static Answer post(Buffer body) throws Exception {
    return post(gateway, body, gateway.token("refused"));
  }

  private static Answer post(TestGateway target, Buffer body, String token) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(target.port()).setURI("/v1/chat/completions").putHeader("Authorization", "Bearer " + token);
    // body() is asked for in send()'s own callback: a hop later a small response's body may have gone by.
    return http.request(options).compose(request -> request.send(body).compose(response -> response.body()
            .map(b -> new Answer(response.statusCode(), response.getHeader("x-should-retry"), b))))
        .await(10, TimeUnit.SECONDS);
  }
}
