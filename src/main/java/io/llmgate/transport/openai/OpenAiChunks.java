package io.llmgate.transport.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;

/**
 * The {@code chat.completion.chunk} objects of one streamed completion, written by hand like
 * {@code EventJson} because one goes out per token, and appended where the SSE frame is being built, so a
 * token's chunk has no String of its own. The fields every chunk repeats are encoded once.
 * Reasoning travels as {@code delta.reasoning_content}, as DeepSeek and OpenRouter send it. Tool calls
 * travel as OpenAI streams them: a call's first chunk has its index, id, type and name with empty arguments,
 * its later chunks only the index and an argument fragment, which is how the SDKs' helpers assemble them.
 */
final class OpenAiChunks {
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private final String head;
  private final String deltaHead;
  private final String chunkTail;
  private final String unfinishedTail;
  private int announcedCalls;

  OpenAiChunks(String id, long created, String model, boolean includeUsage) {
    StringBuilder head = new StringBuilder(96).append("{\"id\":");
    quote(head, id).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created)
        .append(",\"model\":");
    this.head = quote(head, model).toString();
    this.deltaHead = this.head + ",\"choices\":[{\"index\":0,\"delta\":";
    // With include_usage every chunk carries "usage": null and one last chunk the counts (OpenAI's form).
    this.chunkTail = includeUsage ? ",\"usage\":null}" : "}";
    this.unfinishedTail = tail("null");
  }

  StringBuilder role(StringBuilder json) {
    return json.append(deltaHead).append("{\"role\":\"assistant\",\"content\":\"\"}").append(unfinishedTail);
  }

  StringBuilder content(StringBuilder json, String text) {
    return quote(json.append(deltaHead).append("{\"content\":"), text).append('}').append(unfinishedTail);
  }

  StringBuilder reasoning(StringBuilder json, String text) {
    return quote(json.append(deltaHead).append("{\"reasoning_content\":"), text).append('}').append(unfinishedTail);
  }

  /** A tool-call fragment; the first one of each call (they begin in index order) names it. */
  StringBuilder toolCall(StringBuilder json, StreamEvent.ToolCallDelta call) {
    json.append(deltaHead).append("{\"tool_calls\":[{\"index\":").append(call.callIndex());
    if (call.callIndex() == announcedCalls) {
      announcedCalls++;
      quote(json.append(",\"id\":"), call.id()).append(",\"type\":\"function\",\"function\":{\"name\":");
      quote(json, call.name()).append(',');
    } else {
      json.append(",\"function\":{");
    }
    quote(json.append("\"arguments\":"), call.argumentsDelta()).append("}}]}");
    return json.append(unfinishedTail);
  }

  StringBuilder finish(StringBuilder json, FinishReason reason) {
    return json.append(deltaHead).append("{}").append(tail("\"" + finishReason(reason) + "\""));
  }

  StringBuilder usage(StringBuilder json, Usage usage) {
    return json.append(head).append(",\"choices\":[],\"usage\":").append(usageJson(usage).encode()).append('}');
  }

  /** OpenAI has no "other": a stop for an unnamed reason reads as a plain stop to its clients. */
  static String finishReason(FinishReason reason) {
    return reason == FinishReason.OTHER ? "stop" : reason.wire();
  }

  /** OpenAI's usage object, details included as OpenAI always sends them (Anthropic's cache writes have none). */
  static JsonObject usageJson(Usage usage) {
    return new JsonObject().put("prompt_tokens", usage.inputTokens())
        .put("completion_tokens", usage.outputTokens())
        .put("total_tokens", usage.inputTokens() + usage.outputTokens())
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", usage.cachedInputTokens()))
        .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", usage.reasoningTokens()));
  }

  private String tail(String finishReason) {
    return ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]" + chunkTail;
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    ENCODER.quoteAsString(value, json);
    return json.append('"');
  }
}
