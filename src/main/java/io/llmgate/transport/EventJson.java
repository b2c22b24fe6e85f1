package io.llmgate.transport;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.Acknowledged;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one JSON form of every event, shared by all transports (protocol.md payloads). Written by hand into
 * a StringBuilder because tokens are the hot path: building a JsonObject per token and encoding it costs a
 * map, boxing and a tree walk; Jackson's own encoder does the string escaping.
 */
public final class EventJson {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private EventJson() {}

  /** The payload of {@code event} as a JSON object string. */
  public static String payload(StreamEvent event) {
    return appendPayload(new StringBuilder(sizeHint(event)), event).toString();
  }

  /** Chars enough for most payloads of {@code event}'s kind, so the builder rarely grows. */
  public static int sizeHint(StreamEvent event) {
    return switch (event.kind()) {
      case TOKEN -> hint(event.sessionId(), ((StreamEvent.Token) event).token());
      case REASONING -> hint(event.sessionId(), ((StreamEvent.Reasoning) event).token());
      default -> 128;
    };
  }

  // Besides the two strings a token takes at most 94 chars (with a 19-digit index); an eighth more for escapes.
  private static int hint(String sessionId, String token) {
    return 96 + sessionId.length() + token.length() + (token.length() >> 3);
  }

  /** Appends the payload of {@code event}, the same JSON as {@link #payload}, to {@code json}. */
  public static StringBuilder appendPayload(StringBuilder json, StreamEvent event) {
    json.append('{');
    field(json, "sessionId", event.sessionId());
    switch (event.kind()) {
      case STARTED -> started(json, (StreamEvent.Started) event);
      case TOKEN -> piece(json, ((StreamEvent.Token) event).token(), ((StreamEvent.Token) event).index());
      case REASONING -> piece(json, ((StreamEvent.Reasoning) event).token(), ((StreamEvent.Reasoning) event).index());
      case TOOL_CALL -> toolCall(json, (StreamEvent.ToolCallDelta) event);
      case DONE -> done(json, (StreamEvent.Done) event);
      case FAILED -> failed(json, (StreamEvent.Failed) event);
      case CANCELLED -> cancelled(json, (StreamEvent.Cancelled) event);
    }
    field(json, "timestamp", timestamp(event.timestamp()));
    json.setLength(json.length() - 1);
    return json.append('}');
  }

  public static JsonObject toJsonObject(StreamEvent event) {
    return new JsonObject(payload(event));
  }

  public static JsonObject acknowledged(Acknowledged ack) {
    return new JsonObject().put("sessionId", ack.sessionId()).put("provider", ack.provider())
        .put("timestamp", timestamp(ack.timestamp()));
  }

  /** The payload of {@code llm:stream:resume:acknowledged} (protocol.md extension). */
  public static JsonObject resumed(Resumed resumed) {
    return new JsonObject().put("sessionId", resumed.sessionId()).put("lastIndex", resumed.lastIndex())
        .put("replayed", resumed.replayed()).put("live", resumed.live())
        .put("timestamp", timestamp(resumed.timestamp()));
  }

  /** The payload of {@code llm:stream:cancel:acknowledged}. */
  public static JsonObject cancelAcknowledged(String sessionId, boolean cancelled, Instant timestamp) {
    return new JsonObject().put("sessionId", sessionId).put("cancelled", cancelled)
        .put("timestamp", timestamp(timestamp));
  }

  /**
   * The {@code llm:stream:error} payload for a refused client message (bad request, rate limited …):
   * the same form as a stream's own error event. {@code sessionId} is empty when the message named none.
   */
  public static String refusal(String sessionId, GatewayException failure) {
    return payload(new StreamEvent.Failed(sessionId, failure.code(), failure.getMessage(), failure.retryable(),
        Instant.now()));
  }

  /**
   * ISO-8601 UTC with milliseconds. Every event carries one, so this is on the token path: formatted by
   * hand (DateTimeFormatter costs about a microsecond), and reused while the millisecond is the same.
   */
  public static String timestamp(Instant instant) {
    long millis = instant.toEpochMilli();
    Stamp last = lastStamp;
    if (last.millis == millis) {
      return last.text;
    }
    String text = format(millis);
    lastStamp = new Stamp(millis, text);
    return text;
  }

  private record Stamp(long millis, String text) {}

  private static volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");

  static String format(long epochMillis) {
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(Math.floorDiv(epochMillis, 86_400_000L));
    if (date.getYear() < 0 || date.getYear() > 9999) {
      return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
    }
    int ms = (int) Math.floorMod(epochMillis, 86_400_000L);
    char[] out = new char[24];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, ms / 3_600_000, 2);
    out[13] = ':';
    digits(out, 14, ms / 60_000 % 60, 2);
    out[16] = ':';
    digits(out, 17, ms / 1000 % 60, 2);
    out[19] = '.';
    digits(out, 20, ms % 1000, 3);
    out[23] = 'Z';
    return new String(out);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static void started(StringBuilder json, StreamEvent.Started started) {
    field(json, "provider", started.provider());
    field(json, "model", started.model());
  }

  private static void piece(StringBuilder json, String token, long index) {
    field(json, "token", token);
    json.append("\"index\":").append(index).append(',');
  }

  private static void toolCall(StringBuilder json, StreamEvent.ToolCallDelta call) {
    json.append("\"index\":").append(call.index()).append(',');
    json.append("\"callIndex\":").append(call.callIndex()).append(',');
    field(json, "id", call.id());
    field(json, "name", call.name());
    field(json, "argumentsDelta", call.argumentsDelta());
  }

  private static void done(StringBuilder json, StreamEvent.Done done) {
    field(json, "provider", done.provider());
    field(json, "model", done.model());
    field(json, "fullResponse", done.fullResponse());
    if (done.fullResponseTruncated()) {
      json.append("\"fullResponseTruncated\":true,"); // an extension (protocol.md): absent when whole
    }
    if (!done.toolCalls().isEmpty()) {
      toolCalls(json, done);
    }
    json.append("\"tokenCount\":").append(done.tokenCount()).append(',');
    field(json, "finishReason", done.finishReason().wire());
    done.usage().ifPresent(usage -> usage(json, usage));
    if (done.ttftMs() >= 0) {
      json.append("\"ttftMs\":").append(done.ttftMs()).append(',');
    }
    json.append("\"durationMs\":").append(done.durationMs()).append(',');
    if (!done.metadata().isEmpty()) {
      json.append("\"metadata\":").append(new JsonObject(done.metadata()).encode()).append(',');
    }
  }

  /** {@code toolCalls} (protocol.md extension): only on a stream that made calls, so others stay as they were. */
  private static void toolCalls(StringBuilder json, StreamEvent.Done done) {
    json.append("\"toolCalls\":[");
    for (ToolCall call : done.toolCalls()) {
      json.append('{');
      field(json, "id", call.id());
      field(json, "name", call.name());
      field(json, "arguments", call.arguments());
      json.setLength(json.length() - 1);
      json.append("},");
    }
    json.setLength(json.length() - 1);
    json.append("],");
  }

  private static void failed(StringBuilder json, StreamEvent.Failed failed) {
    field(json, "error", failed.error());
    field(json, "code", failed.code().wire());
    json.append("\"retryable\":").append(failed.retryable()).append(',');
    failed.partialResponse().ifPresent(partial -> field(json, "partialResponse", partial));
  }

  private static void cancelled(StringBuilder json, StreamEvent.Cancelled cancelled) {
    cancelled.usage().ifPresent(usage -> usage(json, usage));
    field(json, "reason", cancelled.reason().wire());
  }

  /** The cache and reasoning counts only when non-zero: most streams have neither. */
  private static void usage(StringBuilder json, Usage usage) {
    json.append("\"usage\":{\"inputTokens\":").append(usage.inputTokens())
        .append(",\"outputTokens\":").append(usage.outputTokens());
    count(json, "cachedInputTokens", usage.cachedInputTokens());
    count(json, "cacheCreationInputTokens", usage.cacheCreationInputTokens());
    count(json, "reasoningTokens", usage.reasoningTokens());
    json.append("},");
  }

  private static void count(StringBuilder json, String name, long count) {
    if (count > 0) {
      json.append(",\"").append(name).append("\":").append(count);
    }
  }

  private static void field(StringBuilder json, String name, String value) {
    json.append('"').append(name).append("\":\"");
    ENCODER.quoteAsString(value, json);
    json.append("\",");
  }
}
