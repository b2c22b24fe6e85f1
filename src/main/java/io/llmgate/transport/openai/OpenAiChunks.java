package io.llmgate.transport.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;

/**
 * The {@code chat.completion.chunk} objects of one streamed completion, written by hand like
 * {@code EventJson} because one goes out per token. The fields every chunk repeats are encoded once.
 * Reasoning travels as {@code delta.reasoning_content}, as DeepSeek and OpenRouter send it.
 */
final class OpenAiChunks {
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private final String head;
  private final String chunkTail;

  OpenAiChunks(String id, long created, String model, boolean includeUsage) {
    StringBuilder head = new StringBuilder(96).append("{\"id\":");
    quote(head, id).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created)
        .append(",\"model\":");
    this.head = quote(head, model).toString();
    // With include_usage every chunk carries "usage": null and one last chunk the counts (OpenAI's form).
    this.chunkTail = includeUsage ? ",\"usage\":null}" : "}";
  }

  String role() {
    return choice("{\"role\":\"assistant\",\"content\":\"\"}", "null");
  }

  String content(String text) {
    return choice(quote(new StringBuilder(text.length() + 16).append("{\"content\":"), text).append('}').toString(),
        "null");
  }

  String reasoning(String text) {
    return choice(quote(new StringBuilder(text.length() + 28).append("{\"reasoning_content\":"), text).append('}')
        .toString(), "null");
  }

  String finish(FinishReason reason) {
    return choice("{}", "\"" + finishReason(reason) + "\"");
  }

  String usage(Usage usage) {
    return head + ",\"choices\":[],\"usage\":" + usageJson(usage).encode() + "}";
  }

  /** OpenAI has no "other": a stop for an unnamed reason reads as a plain stop to its clients. */
  static String finishReason(FinishReason reason) {
    return reason == FinishReason.OTHER ? "stop" : reason.wire();
  }

  static JsonObject usageJson(Usage usage) {
    return new JsonObject().put("prompt_tokens", usage.inputTokens())
        .put("completion_tokens", usage.outputTokens())
        .put("total_tokens", usage.inputTokens() + usage.outputTokens());
  }

  private String choice(String delta, String finishReason) {
    return head + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
        + finishReason + "}]" + chunkTail;
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    ENCODER.quoteAsString(value, json);
    return json.append('"');
  }
}
