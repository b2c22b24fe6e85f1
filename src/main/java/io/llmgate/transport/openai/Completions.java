package io.llmgate.transport.openai;

import io.llmgate.error.GatewayException;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What the streamed and the whole-answer forms of a completion share. */
final class Completions {
  private Completions() {}

  /** The model as {@code GET /v1/models} lists it, so a client can send back what it was told. */
  static String modelId(String provider, String model) {
    return model.isEmpty() ? provider : provider + "/" + model;
  }

  /** The provider's counts; without them, the tokens streamed and an unknown (zero) prompt size. */
  static Usage usage(StreamEvent.Done done) {
    return done.usage().orElseGet(() -> new Usage(0, done.tokenCount()));
  }

  static GatewayException exception(StreamEvent.Failed failed) {
    return new GatewayException(failed.code(), failed.error(), failed.retryable());
  }

  private static JsonArray toolCalls(StreamEvent.Done done) {
    JsonArray calls = new JsonArray();
    for (ToolCall call : done.toolCalls()) {
      calls.add(new JsonObject().put("id", call.id()).put("type", "function")
          .put("function", new JsonObject().put("name", call.name()).put("arguments", call.arguments())));
    }
    return calls;
  }

  static JsonObject cancelledBody() {
    return OpenAiErrors.body("stream cancelled by the client (DELETE /v1/streams/{id} or llm:stream:cancel)",
        "invalid_request_error", OpenAiErrors.CANCELLED);
  }

  /**
   * The non-streaming {@code chat.completion}; reasoning, when there was some, as DeepSeek returns it. A
   * message that only called tools has {@code content: null}, as OpenAI's has.
   */
  static JsonObject completion(String id, long created, StreamEvent.Done done, String reasoning) {
    // A content cut at limits.max-full-response is, as OpenAI's own cut at max_tokens, finish_reason "length".
    boolean onlyCalls = done.fullResponse().isEmpty() && !done.toolCalls().isEmpty();
    JsonObject message = new JsonObject().put("role", "assistant")
        .put("content", onlyCalls ? null : done.fullResponse()).putNull("refusal");
    if (!reasoning.isEmpty()) {
      message.put("reasoning_content", reasoning);
    }
    if (!done.toolCalls().isEmpty()) {
      message.put("tool_calls", toolCalls(done));
    }
    JsonObject choice = new JsonObject().put("index", 0).put("message", message).putNull("logprobs")
        .put("finish_reason", done.fullResponseTruncated() ? "length" : OpenAiChunks.finishReason(done.finishReason()));
    return new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
        .put("model", modelId(done.provider(), done.model())).put("choices", new JsonArray().add(choice))
        .put("usage", OpenAiChunks.usageJson(usage(done)));
  }
}
