package io.llmgate.transport;

import static io.llmgate.transport.EventRecorder.CANCELLED;
import static io.llmgate.transport.EventRecorder.DONE;
import static io.llmgate.transport.EventRecorder.ERROR;
import static io.llmgate.transport.EventRecorder.REASONING;
import static io.llmgate.transport.EventRecorder.START;
import static io.llmgate.transport.EventRecorder.TOKEN;
import static io.llmgate.transport.EventRecorder.TOOL_CALL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmgate.config.ApiKey;
import io.llmgate.config.AuthConfig;
import io.llmgate.config.JwtConfig;
import io.llmgate.config.Limits;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.error.ErrorCode;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.Providers;
import io.llmgate.provider.openai.ChatChunks;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.transport.EventRecorder.Received;
import io.llmgate.transport.TransportClient.ClientStream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every transport guarantees (LangChain4j-style contract suite): the same events for the same
 * upstream, nothing buffered on the way, exactly one final event, cancel and disconnect reaching the
 * upstream, the same refusals. A transport joins by extending this with its {@link TransportClient}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TransportContract {
  protected static final Duration WAIT = Duration.ofSeconds(10);
  private static final int MESSAGES_PER_MINUTE = 5;
  private static final long SPACING_MS = 250;
  // 8 MB in all: far more than the socket buffers in between hold (the test clients fix their receive
  // buffer at 64 KB; the kernel would grow it to 32 MB), yet a done event whose fullResponse a JSON
  // parser still accepts (Jackson's default limit is 20 M characters per string).
  static final int BULK_TOKENS = 1000;
  static final int BULK_TOKEN_SIZE = 8 * 1024;
  public static final int CLIENT_RECEIVE_BUFFER = 64 * 1024;
  // Two services' API keys (auth.api-keys, held as their SHA-256) and the single LLMGATE_API_KEY.
  private static final String SERVICE_A_KEY = "sk-svc-a-0123456789abcdefghijklmnopqrstuv";
  private static final String SERVICE_B_KEY = "sk-svc-b-0123456789abcdefghijklmnopqrstuv";
  private static final String SERVICE_C_KEY = "sk-svc-c-0123456789abcdefghijklmnopqrstuv";
  private static final String LEGACY_KEY = "sk-legacy-0123456789abcdefghijklmnopqrstuv";
  private static final int SERVICE_A_MESSAGES_PER_MINUTE = 2;

  protected TestGateway gateway;
  protected TransportClient client;
  /** The real OpenAI provider's upstream: how cancel and disconnect are proven at the socket. */
  protected FakeUpstream openAiUpstream;

  protected abstract TransportClient client(TestGateway gateway);

  @BeforeAll
  void startGateway() {
    gateway = TestGateway.start(config -> config.withLimits(
        new Limits(MESSAGES_PER_MINUTE, Duration.ofMinutes(1), 8, Limits.DEFAULT.maxRequestBytes()))
        .withAuth(new AuthConfig(JwtConfig.DEFAULT, List.of(
            new ApiKey("service-a", ApiKey.sha256Of(SERVICE_A_KEY), OptionalInt.of(SERVICE_A_MESSAGES_PER_MINUTE),
                OptionalInt.empty()),
            new ApiKey("service-b", ApiKey.sha256Of(SERVICE_B_KEY), OptionalInt.empty(), OptionalInt.empty()),
            new ApiKey("service-c", ApiKey.sha256Of(SERVICE_C_KEY), OptionalInt.empty(), OptionalInt.of(1)))))
        .withApiKey(Optional.of(LEGACY_KEY)),
        (vertx, providers) -> {
          openAiUpstream = FakeUpstream.start(vertx);
          providers.register(Providers.fromEnvironment(vertx, Map.of("OPENAI_API_KEY", "sk-test",
              "OPENAI_BASE_URL", openAiUpstream.baseUrl() + "/v1"), ProvidersSettings.fromJson(new JsonObject()))
              .require("openai"));
        });
    gateway.upstream()
        .script("hello", Script.upstream().opened("script-1").reasoning("thinking").text("Hel", "lo", " world")
            .usage(3, 3).finish(FinishReason.STOP))
        .script("spaced", Script.upstream().every(SPACING_MS).opened("script-1").text("a", "b", "c", "d")
            .finish(FinishReason.STOP))
        .script("long", Script.upstream().every(40).opened("script-1").tokens(500).finish(FinishReason.STOP))
        .script("fail-early", Script.upstream().every(20).fail(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream overloaded"))
        .script("fail-after-first", Script.upstream().every(20).opened("script-1").text("partial")
            .fail(ErrorCode.UPSTREAM_ERROR, "upstream reset the connection"))
        .script("cached", Script.upstream().opened("script-1").text("ok").usage(new Usage(2000, 70, 1920, 0, 64))
            .finish(FinishReason.STOP))
        .script("short", Script.upstream().every(2).opened("script-1").text("ok").finish(FinishReason.STOP))
        // Two parallel calls whose fragments interleave; the second call's arguments split a 4-byte
        // character between its two UTF-16 halves.
        .script("tools", Script.upstream().opened("script-1").text("Checking.")
            .toolCall(0, "call_a", "get_weather", "").toolCall(1, "call_b", "get_time", "{\"tz\":\"")
            .toolArguments(0, "{\"city\":").toolArguments(1, "\ud83c").toolArguments(1, "\udf0d\"}")
            .toolArguments(0, "\"Paris\"}").finish(FinishReason.TOOL_CALLS))
        .script("bulk", Script.upstream().every(1).opened("script-1").bulk(BULK_TOKENS, BULK_TOKEN_SIZE)
            .finish(FinishReason.STOP));
    client = client(gateway);
  }

  @AfterAll
  void stopGateway() {
    client.close();
    gateway.close();
  }

  @Test
  void sameEventSequenceForTheSameUpstreamScript() throws Exception {
    ClientStream stream = client.start(token(), request("hello"));
    Received done = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(START, REASONING, TOKEN, TOKEN, TOKEN, DONE);
    assertThat(stream.events().tokens()).containsExactly("Hel", "lo", " world");
    assertThat(stream.events().named(REASONING).get(0).data().getString("token")).isEqualTo("thinking");
    assertThat(done.data().getString("finishReason")).isEqualTo("stop");
    assertThat(done.data().getJsonObject("usage")).isEqualTo(new JsonObject().put("inputTokens", 3).put("outputTokens", 3));
    if (client.carriesProtocolPayloads()) {
      assertProtocolPayloads(stream.events(), done);
    }
    assertNothingAfterTheFinalEvent(stream);
  }

  @Test
  void doneCarriesCachedAndReasoningTokens() throws Exception {
    Received done = client.start(token(), request("cached")).events().awaitFinal(WAIT);
    assertThat(done.data().getJsonObject("usage")).isEqualTo(new JsonObject().put("inputTokens", 2000)
        .put("outputTokens", 70).put("cachedInputTokens", 1920).put("reasoningTokens", 64));
  }

  private static void assertProtocolPayloads(EventRecorder events, Received done) {
    assertThat(events.named(REASONING).get(0).data().getLong("index")).isZero();
    assertThat(events.named(TOKEN).stream().map(e -> e.data().getLong("index"))).containsExactly(1L, 2L, 3L);
    assertThat(events.events()).allSatisfy(e -> assertThat(e.data().getString("timestamp"))
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
    assertThat(events.named(START).get(0).data().getString("provider")).isEqualTo(ScriptedUpstream.NAME);
    assertThat(done.data().getString("fullResponse")).isEqualTo("Hello world");
    assertThat(done.data().getLong("tokenCount")).isEqualTo(3);
    assertThat(events.acknowledgements()).filteredOn(e -> e.event().equals("llm:chat:stream:acknowledged"))
        .singleElement().satisfies(ack -> assertThat(ack.data().getString("provider")).isEqualTo(ScriptedUpstream.NAME));
  }

  @Test
  void toolCallsStreamAsFragmentsWithTheirOwnIndexesAndDoneCarriesThemWhole() throws Exception {
    JsonObject request = request(tagged("tools")).put("tools", new JsonArray()
        .add(new JsonObject().put("name", "get_weather").put("parameters", new JsonObject().put("type", "object")))
        .add(new JsonObject().put("name", "get_time")));
    ClientStream stream = client.start(token(), request);
    Received done = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(START, TOKEN, TOOL_CALL, TOOL_CALL, TOOL_CALL, TOOL_CALL,
        TOOL_CALL, DONE);
    List<JsonObject> calls = stream.events().named(TOOL_CALL).stream().map(Received::data).toList();
    assertThat(calls).extracting(c -> c.getInteger("callIndex")).containsExactly(0, 1, 0, 1, 0);
    assertThat(calls).extracting(c -> c.getString("argumentsDelta"))
        .containsExactly("", "{\"tz\":\"", "{\"city\":", "\ud83c\udf0d\"}", "\"Paris\"}");
    assertThat(done.data().getString("finishReason")).isEqualTo("tool_calls");
    assertThat(gateway.upstream().generations(request.getJsonArray("messages").getJsonObject(0).getString("content"))
        .get(0).request().tools().tools()).extracting(t -> t.name()).containsExactly("get_weather", "get_time");
    if (!client.carriesProtocolPayloads()) {
      // OpenAI's form: id, type and name on a call's first chunk only.
      assertThat(calls).extracting(c -> c.getString("id")).containsExactly("call_a", "call_b", null, null, null);
      assertThat(calls).extracting(c -> c.getString("type")).containsExactly("function", "function", null, null, null);
      assertThat(calls).extracting(c -> c.getString("name")).containsExactly("get_weather", "get_time", null, null,
          null);
      return;
    }
    assertThat(calls).extracting(c -> c.getLong("index")).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(calls).extracting(c -> c.getString("id")).containsExactly("call_a", "call_b", "call_a", "call_b",
        "call_a");
    assertThat(calls).extracting(c -> c.getString("name")).containsExactly("get_weather", "get_time", "get_weather",
        "get_time", "get_weather");
    assertThat(done.data().getString("fullResponse")).isEqualTo("Checking.");
    assertThat(done.data().getJsonArray("toolCalls")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("id", "call_a").put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))
        .add(new JsonObject().put("id", "call_b").put("name", "get_time").put("arguments", "{\"tz\":\"🌍\"}")));
    assertNothingAfterTheFinalEvent(stream);
  }

  @Test
  void aToolCallThatSkipsAnIndexEndsTheStreamWithAClearError() throws Exception {
    openAiUpstream.enqueue(FakeUpstream.Reply.stream(io.llmgate.provider.Fixtures.bytes(
        "openai-chat/synthetic/tool-call-skips-an-index.sse")));
    ClientStream stream = client.start(token(), request("go").put("provider", "openai"));
    Received error = stream.events().awaitFinal(WAIT);

    assertThat(error.event()).isEqualTo(ERROR);
    assertThat(error.data().getString("error"))
        .isEqualTo("openai: malformed stream: tool call index 1 (expected: 0 to 0)");
    assertThat(stream.events().named(TOOL_CALL)).isEmpty();
    assertNothingAfterTheFinalEvent(stream);
  }

  @Test
  void framesArriveSpacedAsTheUpstreamSentThem() throws Exception {
    String prompt = tagged("spaced");
    ClientStream stream = client.start(token(), request(prompt));
    stream.events().awaitFinal(WAIT);

    List<Long> sent = gateway.upstream().awaitGeneration(prompt, 0, WAIT).sentAtNanos();
    List<Received> tokens = stream.events().named(TOKEN);
    assertThat(tokens).hasSize(4);
    for (int i = 0; i < tokens.size(); i++) {
      // Script items: opened, a, b, c, d, finished. Token i must be at the client before item i + 2 left.
      assertThat(tokens.get(i).atNanos())
          .as("token %d arrived before the upstream sent the next item (nothing held back)", i)
          .isLessThan(sent.get(i + 2));
    }
  }

  @Test
  void cancelStopsTheStreamAndAbortsTheUpstream() throws Exception {
    assumeTrue(client.canCancel(), "this transport cancels by disconnecting");
    String prompt = tagged("long");
    ClientStream stream = client.start(token(), request(prompt));
    stream.events().awaitCount(TOKEN, 2, WAIT);

    stream.cancel();

    assertThat(stream.events().awaitFinal(WAIT).event()).isEqualTo(CANCELLED);
    gateway.upstream().awaitGeneration(prompt, 0, WAIT).awaitCancelled(WAIT);
    assertNothingAfterTheFinalEvent(stream);
    gateway.awaitNoActiveStreams(WAIT);
  }

  @Test
  void disconnectAbortsTheUpstreamOnceTheGraceRunsOut() throws Exception {
    String prompt = tagged("long");
    ClientStream stream = client.start(token(), request(prompt).put("resumeGraceMs", 200));
    stream.events().awaitCount(TOKEN, 2, WAIT);

    stream.disconnect();

    gateway.upstream().awaitGeneration(prompt, 0, WAIT).awaitCancelled(WAIT);
    gateway.awaitNoActiveStreams(WAIT);
  }

  @Test
  void cancelClosesTheRealUpstreamConnection() throws Exception {
    assumeTrue(client.canCancel(), "this transport cancels by disconnecting");
    openAiUpstream.enqueue(pacedOpenAiStream());
    ClientStream stream = client.start(token(), request("go").put("provider", "openai"));
    stream.events().awaitCount(TOKEN, 2, WAIT);

    stream.cancel();

    assertThat(stream.events().awaitFinal(WAIT).event()).isEqualTo(CANCELLED);
    openAiUpstream.takeRequest().awaitClosed();
    assertNothingAfterTheFinalEvent(stream);
  }

  @Test
  void disconnectClosesTheRealUpstreamConnection() throws Exception {
    openAiUpstream.enqueue(pacedOpenAiStream());
    ClientStream stream = client.start(token(), request("go").put("provider", "openai").put("resumeGraceMs", 200));
    stream.events().awaitCount(TOKEN, 2, WAIT);

    stream.disconnect();

    openAiUpstream.takeRequest().awaitClosed();
    gateway.awaitNoActiveStreams(WAIT);
  }

  /** An OpenAI Chat Completions stream of 300 chunks, one every 30 ms: ten seconds unless stopped. */
  private static FakeUpstream.Reply pacedOpenAiStream() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      body.append(new String(ChatChunks.textFrame("gpt-test", "w" + i + " "), StandardCharsets.UTF_8));
    }
    body.append("data: [DONE]\n\n");
    return FakeUpstream.Reply.stream(body.toString().getBytes(StandardCharsets.UTF_8))
        .chunking(FakeUpstream.Chunking.FRAMES, 30);
  }

  @Test
  void slowClientPausesTheUpstreamInsteadOfBufferingIt() throws Exception {
    String prompt = tagged("bulk");
    ClientStream stream = client.start(token(), request(prompt));
    stream.events().awaitCount(TOKEN, 1, WAIT);

    stream.pauseReading();
    gateway.upstream().awaitGeneration(prompt, 0, WAIT).awaitPaused(Duration.ofSeconds(30));
    stream.resumeReading();

    assertThat(stream.events().awaitFinal(Duration.ofSeconds(60)).event()).isEqualTo(DONE);
    List<String> tokens = stream.events().tokens();
    assertThat(tokens).hasSize(BULK_TOKENS);
    for (int i = 0; i < tokens.size(); i++) {
      assertThat(tokens.get(i)).as("token %d in order", i).startsWith(i + "x");
    }
  }

  @Test
  void upstreamFailureBeforeTheFirstTokenIsTheOnlyEvent() throws Exception {
    ClientStream stream = client.start(token(), request(tagged("fail-early")));

    Received error = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(ERROR);
    assertThat(error.data().getString("code")).isEqualTo("upstream_unavailable");
    assertThat(error.data().getString("error")).contains("upstream overloaded");
    assertNothingAfterTheFinalEvent(stream);
  }

  @Test
  void upstreamFailureAfterTheFirstTokenEndsTheStreamWithAnError() throws Exception {
    ClientStream stream = client.start(token(), request(tagged("fail-after-first")));

    Received error = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(START, TOKEN, ERROR);
    assertThat(stream.events().tokens()).containsExactly("partial");
    assertThat(error.data().getString("code")).isEqualTo("upstream_error");
    assertNothingAfterTheFinalEvent(stream);
  }

  @Test
  void badTokenIsRefusedAndNothingReachesTheUpstream() throws Exception {
    String prompt = tagged("short");
    ClientStream stream = client.start("not.a-valid.token", request(prompt));

    Received error = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(ERROR);
    assertThat(error.data().getString("code")).isEqualTo("unauthorized");
    assertThat(error.data().getString("error")).startsWith("unauthorized: ");
    assertThat(gateway.upstream().generations(prompt)).isEmpty();
  }

  @Test
  void messageOverTheRateLimitIsRefused() throws Exception {
    String token = token();
    for (int i = 0; i < MESSAGES_PER_MINUTE; i++) {
      assertThat(client.start(token, request(tagged("short"))).events().awaitFinal(WAIT).event()).isEqualTo(DONE);
    }

    ClientStream refused = client.start(token, request(tagged("short")));

    Received error = refused.events().awaitFinal(WAIT);
    assertThat(refused.events().names()).containsExactly(ERROR);
    assertThat(error.data().getString("code")).isEqualTo("rate_limited");
  }

  @Test
  void twoApiKeysAreTwoIdentitiesWithTwoRateLimitBuckets() throws Exception {
    for (int i = 0; i < SERVICE_A_MESSAGES_PER_MINUTE; i++) {
      assertThat(client.start(SERVICE_A_KEY, request(tagged("short"))).events().awaitFinal(WAIT).event()).isEqualTo(DONE);
    }
    ClientStream refused = client.start(SERVICE_A_KEY, request(tagged("short")));
    assertThat(refused.events().awaitFinal(WAIT).data().getString("code")).isEqualTo("rate_limited");
    assertThat(refused.events().names()).containsExactly(ERROR);

    // service-b draws from a bucket of its own, with the default limit, past service-a's.
    for (int i = 0; i < SERVICE_A_MESSAGES_PER_MINUTE + 1; i++) {
      assertThat(client.start(SERVICE_B_KEY, request(tagged("short"))).events().awaitFinal(WAIT).event()).isEqualTo(DONE);
    }
    assertThat(client.start(LEGACY_KEY, request(tagged("short"))).events().awaitFinal(WAIT).event()).isEqualTo(DONE);
  }

  @Test
  void anApiKeysOwnStreamCapHoldsForItsUser() throws Exception {
    String prompt = tagged("long");
    ClientStream first = client.start(SERVICE_C_KEY, request(prompt).put("resumeGraceMs", 0));
    first.events().awaitCount(TOKEN, 1, WAIT);

    ClientStream second = client.start(SERVICE_C_KEY, request(tagged("short")));
    Received refused = second.events().awaitFinal(WAIT);
    assertThat(refused.data().getString("code")).isEqualTo("too_many_streams");
    assertThat(refused.data().getString("error")).isEqualTo("streams: 1 running (expected: at most 1 per user)");
    // Everybody else keeps the default of 8.
    ClientStream mine = client.start(token(), request(tagged("long")).put("resumeGraceMs", 0));
    ClientStream more = client.start(token(), request(tagged("short")));
    assertThat(more.events().awaitFinal(WAIT).event()).isEqualTo(DONE);

    for (ClientStream running : List.of(first, mine)) {
      if (client.canCancel()) {
        running.cancel();
      } else {
        running.disconnect();
      }
    }
    gateway.awaitNoActiveStreams(WAIT);
  }

  @Test
  void aWrongApiKeyIsRefusedAsAMalformedTokenIs() throws Exception {
    String prompt = tagged("short");
    ClientStream stream = client.start(SERVICE_A_KEY.replace('a', 'A'), request(prompt));

    Received error = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(ERROR);
    assertThat(error.data().getString("code")).isEqualTo("unauthorized");
    assertThat(error.data().getString("error"))
        .isEqualTo("unauthorized: malformed token (expected: header.payload.signature)");
    assertThat(gateway.upstream().generations(prompt)).isEmpty();
  }

  @Test
  void invalidRequestGetsAClearError() throws Exception {
    JsonObject request = request("short").put("messages", new JsonArray());
    ClientStream stream = client.start(token(), request);

    Received error = stream.events().awaitFinal(WAIT);

    assertThat(stream.events().names()).containsExactly(ERROR);
    assertThat(error.data().getString("code")).isEqualTo("invalid_request");
    assertThat(error.data().getString("error")).contains("messages");
  }

  @Test
  void unknownProviderIsRefused() throws Exception {
    ClientStream stream = client.start(token(), request("short").put("provider", "nonexistent"));

    Received error = stream.events().awaitFinal(WAIT);

    assertThat(error.data().getString("code")).isEqualTo("unknown_provider");
    assertThat(error.data().getString("error")).contains("nonexistent").contains(ScriptedUpstream.NAME);
  }

  /** Requests every transport carries alike, each refused with the same error naming field, value and expectation. */
  @Test
  void malformedMessagesAreRefusedNamingTheFieldTheValueAndWhatWasExpected() throws Exception {
    assertRefused(request("short").put("messages", new JsonArray()),
        "messages: [] (expected: a non-empty array of {role, content})");
    JsonObject missing = request("short");
    missing.remove("messages");
    assertRefused(missing, "messages: missing (expected: a non-empty array of {role, content})");
    assertRefused(request("short").put("messages", new JsonArray().add("hi")), "messages[0]: \"hi\" (expected: an object)");
    assertRefused(messages(new JsonObject().put("role", "robot").put("content", "x")),
        "messages[0].role: \"robot\" (expected: system, user, assistant or tool)");
    assertRefused(messages(new JsonObject().put("role", "user").put("content", 5)),
        "messages[0].content: 5 (expected: a string or a non-empty array of parts)");
    assertRefused(messages(new JsonObject().put("role", "user").put("content",
        new JsonArray().add(new JsonObject().put("type", "text")))), "messages[0].content[0].text: missing (expected: a string)");
  }

  @Test
  void anInvalidRequestCountsAgainstTheRateLimitLikeAnyOther() throws Exception {
    String token = token();
    for (int i = 0; i < MESSAGES_PER_MINUTE; i++) {
      Received refused = client.start(token, request("short").put("messages", new JsonArray())).events().awaitFinal(WAIT);
      assertThat(refused.data().getString("code")).isEqualTo("invalid_request");
    }

    Received limited = client.start(token, request("short").put("messages", new JsonArray())).events().awaitFinal(WAIT);

    assertThat(limited.data().getString("code")).isEqualTo("rate_limited");
  }

  /**
   * The protocol's own fields, for the transports that carry its payload as it is (the OpenAI API's names are
   * OpenAiRoutesTest's): each refused with its exact error, which names the request's session when it can.
   */
  protected void assertProtocolFieldsRefused() throws Exception {
    assertRefused(request("short").put("temperature", 3), "temperature: 3 (expected: a number from 0 to 2)");
    assertRefused(request("short").put("maxTokens", 0), "maxTokens: 0 (expected: an integer > 0)");
    assertRefused(request("short").put("resumeGraceMs", -1), "resumeGraceMs: -1 (expected: an integer >= 0)");
    assertRefused(request("short").put("stop", new JsonArray().add("a").add("b").add("c").add("d").add("e")),
        "stop: an array (expected: a non-empty string or an array of at most 4 of them)");
    assertRefused(request("short").put("metadata", "m"), "metadata: \"m\" (expected: an object)");
    JsonObject noProvider = request("short");
    noProvider.remove("provider");
    assertRefused(noProvider, "provider: missing (expected: a non-empty string)");
    // The request is read whole before its provider is looked for, and the messages before resumeGraceMs.
    assertRefused(request("short").put("provider", "nonexistent").put("temperature", 3),
        "temperature: 3 (expected: a number from 0 to 2)");
    assertRefused(request("short").put("messages", new JsonArray()).put("resumeGraceMs", -1),
        "messages: [] (expected: a non-empty array of {role, content})");
    JsonObject nested = new JsonObject();
    JsonObject inner = nested;
    for (int i = 0; i < 40; i++) {
      JsonObject next = new JsonObject();
      inner.put("a", next);
      inner = next;
    }
    assertRefused(request("short").put("metadata", nested), "request: nested deeper than 32 levels (expected: at most 32)");
    Received tooLong = refusal(request("short").put("sessionId", "x".repeat(129)));
    assertThat(tooLong.data().getString("error")).isEqualTo("sessionId: 129 characters (expected: at most 128)");
    assertThat(tooLong.data().getString("sessionId")).isEmpty();
  }

  /**
   * Cancel and resume payloads that cannot be read, for the transports that carry those commands as messages:
   * {@code send} sends one command on a new connection and records what comes back.
   */
  protected void assertMalformedCommandsRefused(CommandSender send) throws Exception {
    assertCommandRefused(send, "llm:stream:cancel", "s1", "request: \"s1\" (expected: an object)", "");
    assertCommandRefused(send, "llm:stream:cancel", new JsonObject(), "sessionId: missing (expected: a non-empty string)",
        "");
    assertCommandRefused(send, "llm:stream:cancel", new JsonObject().put("sessionId", "x".repeat(129)),
        "sessionId: 129 characters (expected: at most 128)", "");
    assertCommandRefused(send, "llm:stream:resume", null, "request: missing (expected: an object)", "");
    assertCommandRefused(send, "llm:stream:resume", new JsonObject().put("sessionId", "s2").put("lastIndex", "3"),
        "lastIndex: \"3\" (expected: an integer >= -1)", "s2");
    assertCommandRefused(send, "llm:stream:resume", new JsonObject().put("sessionId", "s3").put("lastIndex", -2),
        "lastIndex: -2 (expected: an integer >= -1)", "s3");
    assertCommandRefused(send, "llm:stream:resume", new JsonObject().put("lastIndex", 0),
        "sessionId: missing (expected: a non-empty string)", "");
    assertCommandRefused(send, "llm:chat:stream", 42, "request: 42 (expected: an object)", "");
  }

  /** How a transport's test sends one command with any JSON value as its payload. */
  @FunctionalInterface
  protected interface CommandSender {
    ClientStream send(String token, String event, Object payload) throws Exception;
  }

  private void assertCommandRefused(CommandSender send, String event, Object payload, String error, String sessionId)
      throws Exception {
    ClientStream sent = send.send(token(), event, payload);
    Received refused = sent.events().awaitFinal(WAIT);
    sent.disconnect(); // the test clients' pools hold 50 connections to a server
    assertThat(refused.event()).as(event + " " + payload).isEqualTo(ERROR);
    assertThat(refused.data().getString("code")).isEqualTo("invalid_request");
    assertThat(refused.data().getString("error")).isEqualTo(error);
    assertThat(refused.data().getString("sessionId")).isEqualTo(sessionId);
  }

  private void assertRefused(JsonObject request, String error) throws Exception {
    Received refused = refusal(request);
    assertThat(refused.data().getString("error")).as(request.encode()).isEqualTo(error);
    if (client.carriesProtocolPayloads()) {
      assertThat(refused.data().getString("sessionId")).isEqualTo(request.getString("sessionId"));
    }
  }

  private Received refusal(JsonObject request) throws Exception {
    ClientStream stream = client.start(token(), request);
    Received refused = stream.events().awaitFinal(WAIT);
    assertThat(stream.events().names()).as(request.encode()).containsExactly(ERROR);
    assertThat(refused.data().getString("code")).isEqualTo("invalid_request");
    stream.disconnect(); // the test clients' pools hold 50 connections to a server
    return refused;
  }

  private static JsonObject messages(JsonObject message) {
    return request("short").put("messages", new JsonArray().add(message));
  }

  /** A fresh user per test, so one test's rate limit or streams never touch another's. */
  protected String token() {
    return gateway.token("user-" + UUID.randomUUID());
  }

  protected static String tagged(String script) {
    return script + "#" + UUID.randomUUID();
  }

  protected static JsonObject request(String prompt) {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  /** Exactly one final event, it is the last one, and nothing follows it a while later. */
  protected static void assertNothingAfterTheFinalEvent(ClientStream stream) throws InterruptedException {
    Thread.sleep(200);
    List<Received> events = stream.events().events();
    assertThat(stream.events().finalCount()).isEqualTo(1);
    assertThat(events.get(events.size() - 1).event()).isIn(DONE, ERROR, CANCELLED);
  }
}
