package io.llmgate.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgate.error.UpstreamErrors.Reported;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the error envelopes of every supported provider, which all put an {@code error} at the top:
 * OpenAI / DeepSeek / Ollama {@code {"error":{message,type,code}}}, Anthropic
 * {@code {"type":"error","error":{type,message}}}, Gemini {@code {"error":{code,message,status,details}}}
 * and Ollama's native {@code {"error":"text"}}. Every type / code / status / reason string is kept, and
 * the one table in {@code UpstreamErrors} decides which of them matters.
 */
public final class ErrorEnvelope {
  private ErrorEnvelope() {}

  /** The error in {@code root}, when it holds one. */
  public static Optional<Reported> from(JsonNode root) {
    return ofError(root.path("error"));
  }

  /** {@code error} is the value of an envelope's {@code error} field: a string or an object. */
  public static Optional<Reported> ofError(JsonNode error) {
    if (error == null) {
      return Optional.empty();
    }
    if (error.isTextual()) {
      return Optional.of(new Reported(OptionalInt.empty(), List.of(), error.asText()));
    }
    if (!error.isObject()) {
      return Optional.empty();
    }
    Set<String> kinds = new LinkedHashSet<>();
    for (String field : List.of("type", "code", "status")) {
      addText(kinds, error.path(field));
    }
    error.path("details").forEach(detail -> addText(kinds, detail.path("reason")));
    OptionalInt status = error.path("code").isInt() ? OptionalInt.of(error.path("code").asInt()) : OptionalInt.empty();
    return Optional.of(new Reported(status, new ArrayList<>(kinds), error.path("message").asText("")));
  }

  /** An HTTP error body: its envelope, or else its first characters as the message. */
  public static Reported fromBody(String body) {
    return from(Json.tree(body)).orElseGet(() ->
        new Reported(OptionalInt.empty(), List.of(), body.strip()));
  }

  /** Gemini puts its retry hint in the body: {@code details[@type=…RetryInfo].retryDelay: "34.4s"}. */
  public static Optional<Duration> retryDelay(String body) {
    for (JsonNode detail : Json.tree(body).path("error").path("details")) {
      String delay = detail.path("retryDelay").asText("");
      if (delay.endsWith("s")) {
        try {
          return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000)));
        } catch (NumberFormatException ignored) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static void addText(Set<String> kinds, JsonNode value) {
    if (value.isTextual() && !value.asText().isBlank()) {
      kinds.add(value.asText());
    }
  }
}
