package io.llmgate.cluster;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a stream's events are kept as entries of its Redis Stream. Entry ids are {@code 0-<seq>}, counted by
 * the stream itself: {@code llm:stream:start} is 1 and the event of token index {@code i} is {@code i + 2}
 * (a stream starts before its first token), its final event the next one. So a resume after index
 * {@code i} reads from entry {@code i + 3}, and a gap in the ids is a lost event. A token is two short
 * fields (its text and time); the rarer events (tool-call fragments among them) carry what they need as JSON.
 */
final class ReplayEntries {
  private static final String KIND = "k";
  private static final String TEXT = "x";
  private static final String AT = "t";
  private static final String JSON = "j";

  private ReplayEntries() {}

  /** The entry seq after which a client that saw {@code lastIndex} (-1: nothing) needs everything. */
  static long seqAfter(long lastIndex) {
    return lastIndex < 0 ? 0 : lastIndex + 2;
  }

  static String id(long seq) {
    return "0-" + seq;
  }

  static long seq(String id) {
    return Long.parseLong(id.substring(id.indexOf('-') + 1));
  }

  /**
   * Whether a client that named {@code lastIndex} already has {@code event}: it may name an index beyond
   * what was kept when it resumed (the log is then read from its last entry).
   */
  static boolean known(StreamEvent event, long lastIndex) {
    return switch (event.kind()) {
      case STARTED -> lastIndex >= 0;
      case TOKEN -> ((StreamEvent.Token) event).index() <= lastIndex;
      case REASONING -> ((StreamEvent.Reasoning) event).index() <= lastIndex;
      case TOOL_CALL -> ((StreamEvent.ToolCallDelta) event).index() <= lastIndex;
      case DONE, FAILED, CANCELLED -> false;
    };
  }

  /** The field/value pairs of {@code event}, in XADD order. */
  static List<String> fields(StreamEvent event) {
    String at = Long.toString(event.timestamp().toEpochMilli());
    return switch (event.kind()) {
      case TOKEN -> List.of(KIND, "t", TEXT, ((StreamEvent.Token) event).token(), AT, at);
      case REASONING -> List.of(KIND, "r", TEXT, ((StreamEvent.Reasoning) event).token(), AT, at);
      case TOOL_CALL -> json("u", at, toolCall((StreamEvent.ToolCallDelta) event));
      case STARTED -> json("s", at, started((StreamEvent.Started) event));
      case DONE -> json("d", at, done((StreamEvent.Done) event));
      case FAILED -> json("f", at, failed((StreamEvent.Failed) event));
      case CANCELLED -> json("c", at, cancelled((StreamEvent.Cancelled) event));
    };
  }

  private static List<String> json(String kind, String at, JsonObject body) {
    return List.of(KIND, kind, AT, at, JSON, body.encode());
  }

  /** The event kept as entry {@code seq} of stream {@code sessionId} with {@code fields} (an XRANGE pair list). */
  static StreamEvent event(String sessionId, long seq, Response fields) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      values.put(fields.get(i).toString(), fields.get(i + 1).toString());
    }
    Instant at = Instant.ofEpochMilli(Long.parseLong(values.get(AT)));
    String kind = values.get(KIND);
    if ("t".equals(kind)) {
      return new StreamEvent.Token(sessionId, values.get(TEXT), seq - 2, at);
    }
    if ("r".equals(kind)) {
      return new StreamEvent.Reasoning(sessionId, values.get(TEXT), seq - 2, at);
    }
    JsonObject json = new JsonObject(values.get(JSON));
    return switch (kind) {
      case "u" -> new StreamEvent.ToolCallDelta(sessionId, seq - 2, json.getInteger("callIndex"),
          json.getString("id"), json.getString("name"), json.getString("argumentsDelta"), at);
      case "s" -> new StreamEvent.Started(sessionId, json.getString("provider"), json.getString("model"), at);
      case "d" -> new StreamEvent.Done(sessionId, json.getString("provider"), json.getString("model"),
          json.getString("fullResponse"), json.getBoolean("fullResponseTruncated", false), toolCalls(json), json.getLong("tokenCount"),
          FinishReason.valueOf(json.getString("finishReason").toUpperCase(Locale.ROOT)), usage(json),
          json.getLong("ttftMs"), json.getLong("durationMs"), json.getJsonObject("metadata").getMap(), at);
      case "f" -> new StreamEvent.Failed(sessionId, code(json.getString("code")), json.getString("error"),
          json.getBoolean("retryable"), Optional.ofNullable(json.getString("partialResponse")), at);
      case "c" -> new StreamEvent.Cancelled(sessionId, usage(json), "client".equals(json.getString("reason"))
          ? StreamEvent.CancelReason.CLIENT : StreamEvent.CancelReason.DISCONNECTED, at);
      default -> throw new IllegalStateException("replay entry of unknown kind " + kind);
    };
  }

  private static JsonObject started(StreamEvent.Started started) {
    return new JsonObject().put("provider", started.provider()).put("model", started.model());
  }

  private static JsonObject done(StreamEvent.Done done) {
    return usage(new JsonObject().put("provider", done.provider()).put("model", done.model())
        .put("fullResponse", done.fullResponse()).put("fullResponseTruncated", done.fullResponseTruncated())
        .put("toolCalls", toolCalls(done.toolCalls()))
        .put("tokenCount", done.tokenCount())
        .put("finishReason", done.finishReason().wire()).put("ttftMs", done.ttftMs())
        .put("durationMs", done.durationMs()).put("metadata", new JsonObject(done.metadata())), done.usage());
  }

  private static JsonObject toolCall(StreamEvent.ToolCallDelta delta) {
    return new JsonObject().put("callIndex", delta.callIndex()).put("id", delta.id()).put("name", delta.name())
        .put("argumentsDelta", delta.argumentsDelta());
  }

  private static JsonArray toolCalls(List<ToolCall> calls) {
    JsonArray array = new JsonArray();
    calls.forEach(call -> array.add(new JsonObject().put("id", call.id()).put("name", call.name())
        .put("arguments", call.arguments())));
    return array;
  }

  private static List<ToolCall> toolCalls(JsonObject done) {
    return done.getJsonArray("toolCalls", new JsonArray()).stream().map(JsonObject.class::cast)
        .map(call -> new ToolCall(call.getString("id"), call.getString("name"), call.getString("arguments")))
        .toList();
  }

  private static JsonObject failed(StreamEvent.Failed failed) {
    JsonObject json = new JsonObject().put("code", failed.code().wire()).put("error", failed.error())
        .put("retryable", failed.retryable());
    failed.partialResponse().ifPresent(partial -> json.put("partialResponse", partial));
    return json;
  }

  private static JsonObject cancelled(StreamEvent.Cancelled cancelled) {
    return usage(new JsonObject().put("reason", cancelled.reason().wire()), cancelled.usage());
  }

  private static JsonObject usage(JsonObject json, Optional<Usage> usage) {
    usage.ifPresent(u -> json.put("inputTokens", u.inputTokens()).put("outputTokens", u.outputTokens())
        .put("cachedInputTokens", u.cachedInputTokens()).put("cacheCreationInputTokens", u.cacheCreationInputTokens())
        .put("reasoningTokens", u.reasoningTokens()));
    return json;
  }

  /** Entries written before the detail counts existed have none: zero, as for a provider that reports none. */
  private static Optional<Usage> usage(JsonObject json) {
    return json.containsKey("inputTokens")
        ? Optional.of(new Usage(json.getLong("inputTokens"), json.getLong("outputTokens"),
            json.getLong("cachedInputTokens", 0L), json.getLong("cacheCreationInputTokens", 0L),
            json.getLong("reasoningTokens", 0L)))
        : Optional.empty();
  }

  private static ErrorCode code(String wire) {
    return Arrays.stream(ErrorCode.values()).filter(code -> code.wire().equals(wire)).findFirst()
        .orElse(ErrorCode.INTERNAL);
  }
}
