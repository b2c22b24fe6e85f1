package io.llmgate.transport;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.session.CancelRequest;
import io.llmgate.session.ResumeRequest;
import io.llmgate.session.StartRequest;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.Role;
import io.llmgate.stream.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns a client's payloads into the stream service's typed requests: {@code llm:chat:stream} into a
 * {@link StartRequest} (its {@link ChatRequest} and resume grace), {@code llm:stream:cancel} and
 * {@code llm:stream:resume} into theirs, or an {@code invalid_request} failure whose message names the field,
 * the value and what was expected. The one reader of them for every transport; the OpenAI API's route reads
 * its own body's chat with {@link #read} too, through {@link ChatFields}.
 */
public final class ChatRequestParser {
  static final int MAX_SESSION_ID_LENGTH = 128;
  private static final int MAX_ECHOED_VALUE = 40;
  static final int MAX_DEPTH = 32;

  private final int maxRequestBytes;

  public ChatRequestParser(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  /** An {@code llm:chat:stream} payload: the chat, then its {@code resumeGraceMs}. */
  public StartRequest start(Object payload) {
    ChatRequest chat = parse(payload);
    return new StartRequest(chat, resumeGrace(payload));
  }

  public CancelRequest cancel(Object payload) {
    return new CancelRequest(sessionIdOf(payload));
  }

  /** {@code { sessionId, lastIndex? }}, lastIndex -1 (from the first event) by default. */
  public ResumeRequest resume(Object payload) {
    String sessionId = sessionIdOf(payload);
    Object value = ((JsonObject) payload).getValue("lastIndex");
    if (value == null) {
      return new ResumeRequest(sessionId, -1);
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < -1) {
      throw invalid("lastIndex: " + describe(value) + " (expected: an integer >= -1)");
    }
    return new ResumeRequest(sessionId, ((Number) value).longValue());
  }

  public ChatRequest parse(Object payload) {
    JsonObject json = requireObject(payload, "request");
    checkDepth(json);
    checkSize(json);
    return read(json::getValue);
  }

  /**
   * The chat of {@code fields}, each value checked in the protocol's order (the first fault is the one
   * refused), each refusal naming the protocol's field. The request's depth and size are its reader's to
   * check first.
   */
  public static ChatRequest read(ChatFields fields) {
    return new ChatRequest(
        sessionId(fields.get("sessionId")),
        text(fields.get("provider"), "provider"),
        messages(fields),
        optionalString(fields.get("model"), "model"),
        optionalString(fields.get("system"), "system"),
        temperature(fields.get("temperature")),
        maxTokens(fields.get("maxTokens")),
        fallback(fields.get("fallback")),
        metadata(fields.get("metadata")),
        GenerationOptionsParser.parse(fields),
        ToolUseParser.toolUse(fields));
  }

  /**
   * The {@code resumeGraceMs} of an {@code llm:chat:stream} payload (protocol.md): how long the client wants
   * its stream kept running after a disconnect, at most the configured grace.
   */
  private static Optional<Duration> resumeGrace(Object payload) {
    Object value = requireObject(payload, "request").getValue("resumeGraceMs");
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
      throw invalid("resumeGraceMs: " + describe(value) + " (expected: an integer >= 0)");
    }
    return Optional.of(Duration.ofMillis(((Number) value).longValue()));
  }

  /** The {@code sessionId} of any client message that names one (cancel, resume). */
  private static String sessionIdOf(Object payload) {
    return sessionId(requireObject(payload, "request").getValue("sessionId"));
  }

  /** Best effort, for error replies to payloads that failed validation. */
  public static String sessionIdOrEmpty(Object payload) {
    if (payload instanceof JsonObject json && json.getValue("sessionId") instanceof String id) {
      return id.length() <= MAX_SESSION_ID_LENGTH ? id : "";
    }
    return "";
  }

  private static String sessionId(Object value) {
    String id = text(value, "sessionId");
    if (id.length() > MAX_SESSION_ID_LENGTH) {
      throw invalid("sessionId: " + id.length() + " characters (expected: at most " + MAX_SESSION_ID_LENGTH + ")");
    }
    return id;
  }

  /**
   * Refuses JSON nested deeper than {@link #MAX_DEPTH} before anything walks it recursively: encoding a
   * request nested 1,000 deep (as deep as the decoders let through) overflows the stack.
   */
  public static void checkDepth(JsonObject json) {
    Deque<Object> values = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    values.push(json);
    depths.push(1);
    while (!values.isEmpty()) {
      Object value = values.pop();
      int depth = depths.pop();
      Collection<?> children = value instanceof JsonObject o ? o.getMap().values()
          : value instanceof JsonArray a ? a.getList()
          : value instanceof Map<?, ?> m ? m.values()
          : value instanceof List<?> l ? l : List.of();
      if (!children.isEmpty() && depth >= MAX_DEPTH) {
        throw invalid("request: nested deeper than " + MAX_DEPTH + " levels (expected: at most " + MAX_DEPTH + ")");
      }
      for (Object child : children) {
        if (child != null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }

  private void checkSize(JsonObject json) {
    int bytes = json.encode().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxRequestBytes) {
      throw invalid("request: " + bytes + " bytes (expected: at most " + maxRequestBytes + ")");
    }
  }

  private static List<ChatMessage> messages(ChatFields fields) {
    Object value = fields.get("messages");
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw invalid("messages: " + describe(value) + " (expected: a non-empty array of {role, content})");
    }
    List<ChatMessage> messages = new ArrayList<>(array.size());
    Set<String> callIds = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      ChatMessage message = message(array.getValue(i), "messages[" + i + "]", fields);
      message.toolCalls().forEach(call -> callIds.add(call.id()));
      if (message.toolCallId().isPresent() && !callIds.contains(message.toolCallId().get())) {
        throw invalid("messages[" + i + "].toolCallId: " + describe(message.toolCallId().get())
            + " (expected: the id of a call in an earlier assistant message's toolCalls)");
      }
      messages.add(message);
    }
    return messages;
  }

  private static ChatMessage message(Object value, String field, ChatFields fields) {
    JsonObject json = requireObject(value, field);
    Object role = fields.role(json);
    Role parsed = role instanceof String name ? roleOf(name) : null;
    if (parsed == null) {
      throw invalid(field + ".role: " + describe(role) + " (expected: system, user, assistant or tool)");
    }
    List<ToolCall> toolCalls = parsed == Role.ASSISTANT ? ToolUseParser.toolCalls(json, field, fields) : List.of();
    Object content = json.getValue("content");
    if (content == null && !toolCalls.isEmpty()) {
      content = ""; // an assistant turn that only called tools
    }
    List<ContentPart> parts = ContentParts.parse(content, parsed, field + ".content", fields);
    Optional<String> toolCallId = parsed == Role.TOOL
        ? Optional.of(text(fields.toolCallId(json), field + ".toolCallId"))
        : Optional.empty();
    return new ChatMessage(parsed, parts, toolCalls, toolCallId);
  }

  private static Role roleOf(String name) {
    for (Role role : Role.values()) {
      if (role.wire().equals(name)) {
        return role;
      }
    }
    return null;
  }

  private static OptionalDouble temperature(Object value) {
    if (value == null) {
      return OptionalDouble.empty();
    }
    if (!(value instanceof Number number) || number.doubleValue() < 0 || number.doubleValue() > 2) {
      throw invalid("temperature: " + describe(value) + " (expected: a number from 0 to 2)");
    }
    return OptionalDouble.of(number.doubleValue());
  }

  private static OptionalInt maxTokens(Object value) {
    if (value == null) {
      return OptionalInt.empty();
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() <= 0
        || ((Number) value).longValue() > Integer.MAX_VALUE) {
      throw invalid("maxTokens: " + describe(value) + " (expected: an integer > 0)");
    }
    return OptionalInt.of(((Number) value).intValue());
  }

  private static List<String> fallback(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(v -> v instanceof String)) {
      throw invalid("fallback: " + describe(value) + " (expected: an array of provider names)");
    }
    List<String> names = new ArrayList<>();
    array.forEach(name -> names.add((String) name));
    return names;
  }

  private static Map<String, Object> metadata(Object value) {
    if (value == null) {
      return Map.of();
    }
    return requireObject(value, "metadata").getMap();
  }

  private static Optional<String> optionalString(Object value, String field) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text) || text.isEmpty()) {
      throw invalid(field + ": " + describe(value) + " (expected: a non-empty string)");
    }
    return Optional.of(text);
  }

  /** {@code json}'s {@code key}, named {@code field} (its path in the request) when missing or empty. */
  static String requireString(JsonObject json, String key, String field) {
    return text(json.getValue(key), field);
  }

  /** {@code value} as a non-empty string, named {@code field} when it is not one. */
  static String text(Object value, String field) {
    if (!(value instanceof String text) || text.isEmpty()) {
      throw invalid(field + ": " + describe(value) + " (expected: a non-empty string)");
    }
    return text;
  }

  static JsonObject requireObject(Object value, String field) {
    if (!(value instanceof JsonObject json)) {
      throw invalid(field + ": " + describe(value) + " (expected: an object)");
    }
    return json;
  }

  /** Names a bad value without echoing a huge string back to the client. */
  public static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String text) {
      return text.length() <= MAX_ECHOED_VALUE
          ? "\"" + text + "\""
          : "a string of " + text.length() + " characters";
    }
    if (value instanceof JsonArray array) {
      return array.isEmpty() ? "[]" : "an array";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    return value.getClass() == Boolean.class || value instanceof Number
        ? String.valueOf(value)
        : value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
