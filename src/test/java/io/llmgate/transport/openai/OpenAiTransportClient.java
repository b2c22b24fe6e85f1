package io.llmgate.transport.openai;

import io.llmgate.testing.SseReader;
import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.HttpEventStream;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code POST /v1/chat/completions} with {@code stream: true} as an OpenAI client does, and reads
 * the chunks back as protocol events: the role chunk is the start, content and reasoning deltas are
 * tokens, the finish chunk plus usage plus {@code [DONE]} is done, an error object is an error. An
 * OpenAI client cannot cancel by message: it aborts (disconnects).
 */
final class OpenAiTransportClient implements TransportClient {
  private final HttpClient client;
  private final int port;

  OpenAiTransportClient(Vertx vertx, int port) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(TransportContract.CLIENT_RECEIVE_BUFFER));
    this.port = port;
  }

  @Override
  public boolean canCancel() {
    return false;
  }

  @Override
  public boolean carriesProtocolPayloads() {
    return false;
  }

  @Override
  public ClientStream start(String token, JsonObject request) throws Exception {
    Translator translator = new Translator();
    HttpEventStream http = HttpEventStream.post(client, port, "/v1/chat/completions", token, body(request),
        translator::frame, error -> translator.refused(new JsonObject(error)), () -> { });
    return new ClientStream() {
      @Override
      public EventRecorder events() {
        return translator.events;
      }

      @Override
      public void cancel() {
        throw new UnsupportedOperationException("OpenAI clients abort instead");
      }

      @Override
      public void disconnect() throws Exception {
        http.disconnect().await(10, TimeUnit.SECONDS);
      }

      @Override
      public void pauseReading() {
        http.pause();
      }

      @Override
      public void resumeReading() {
        http.resume();
      }
    };
  }

  static JsonObject body(JsonObject request) {
    String model = request.getString("provider") + (request.containsKey("model") ? "/" + request.getString("model") : "");
    JsonObject body = new JsonObject().put("model", model).put("messages", request.getValue("messages"))
        .put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    if (request.getJsonArray("tools") != null) {
      JsonArray tools = new JsonArray();
      request.getJsonArray("tools").forEach(tool -> tools.add(new JsonObject().put("type", "function")
          .put("function", tool)));
      body.put("tools", tools);
    }
    return body;
  }

  @Override
  public void close() {
    client.close();
  }

  /** Chunks in, protocol events out; keeps the raw data lines for assertions on the wire form. */
  static final class Translator {
    final EventRecorder events = new EventRecorder();
    final List<String> raw = new CopyOnWriteArrayList<>();
    private String finishReason;
    private JsonObject usage;

    void frame(SseReader.Frame frame) {
      raw.add(frame.data());
      if (frame.data().equals("[DONE]")) {
        events.add(EventRecorder.DONE, new JsonObject().put("finishReason", finishReason).put("usage", usage));
        return;
      }
      JsonObject chunk = new JsonObject(frame.data());
      if (chunk.containsKey("error")) {
        refused(chunk);
        return;
      }
      if (chunk.getJsonObject("usage") != null) {
        JsonObject counts = chunk.getJsonObject("usage");
        usage = new JsonObject().put("inputTokens", counts.getLong("prompt_tokens"))
            .put("outputTokens", counts.getLong("completion_tokens"));
        detail(counts, "prompt_tokens_details", "cached_tokens", "cachedInputTokens");
        detail(counts, "completion_tokens_details", "reasoning_tokens", "reasoningTokens");
      }
      JsonArray choices = chunk.getJsonArray("choices");
      if (!choices.isEmpty()) {
        choice(chunk, choices.getJsonObject(0));
      }
    }

    /** OpenAI's usage details in the protocol's names, present when non-zero as the protocol has them. */
    private void detail(JsonObject counts, String details, String field, String as) {
      long count = counts.getJsonObject(details).getLong(field);
      if (count > 0) {
        usage.put(as, count);
      }
    }

    private void choice(JsonObject chunk, JsonObject choice) {
      JsonObject delta = choice.getJsonObject("delta");
      if (delta.containsKey("role")) {
        events.add(EventRecorder.START, new JsonObject().put("model", chunk.getString("model")));
      }
      if (delta.getString("content") != null && !delta.getString("content").isEmpty()) {
        events.add(EventRecorder.TOKEN, new JsonObject().put("token", delta.getString("content")));
      }
      if (delta.getString("reasoning_content") != null) {
        events.add(EventRecorder.REASONING, new JsonObject().put("token", delta.getString("reasoning_content")));
      }
      if (delta.getJsonArray("tool_calls") != null) {
        delta.getJsonArray("tool_calls").forEach(call -> toolCall((JsonObject) call));
      }
      if (choice.getString("finish_reason") != null) {
        finishReason = choice.getString("finish_reason");
      }
    }

    /** A {@code tool_calls} entry as the protocol's fragment; id and name only where the chunk had them. */
    private void toolCall(JsonObject call) {
      JsonObject function = call.getJsonObject("function");
      JsonObject fragment = new JsonObject().put("callIndex", call.getInteger("index"))
          .put("argumentsDelta", function.getString("arguments"));
      if (call.containsKey("id")) {
        fragment.put("id", call.getString("id")).put("type", call.getString("type"))
            .put("name", function.getString("name"));
      }
      events.add(EventRecorder.TOOL_CALL, fragment);
    }

    void refused(JsonObject body) {
      JsonObject error = body.getJsonObject("error");
      events.add(EventRecorder.ERROR, new JsonObject().put("error", error.getString("message"))
          .put("code", error.getString("code")).put("type", error.getString("type")));
    }
  }
}
