package io.llmgate.provider;

import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ResponseFormat;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider can take besides text messages. A request asking for more is refused with
 * {@code invalid_request} before any upstream call (and such a provider is skipped as a fallback), so an
 * image, a tool or an output format is never silently dropped.
 *
 * @param tools whether the provider maps tools, tool choices, tool calls and tool results to its upstream
 */
public record Capabilities(boolean images, boolean tools, Set<ResponseFormat.Type> responseFormats) {
  public static final Capabilities ALL = new Capabilities(true, true, EnumSet.allOf(ResponseFormat.Type.class));
  public static final Capabilities TEXT_ONLY = new Capabilities(false, false, Set.of());

  public Capabilities {
    responseFormats = Set.copyOf(responseFormats);
  }

  /** Why {@code provider} cannot serve {@code request}, naming the field; empty when it can. */
  public Optional<String> refusal(String provider, ChatRequest request) {
    if (!images && request.hasImages()) {
      return Optional.of("messages: image parts are not supported by provider \"" + provider
          + "\" (expected: text only, or a provider that accepts images)");
    }
    if (!tools && request.needsTools()) {
      return Optional.of("tools: not supported by provider \"" + provider
          + "\" (expected: a provider that supports tool calls, or a request without tools)");
    }
    return request.options().responseFormat()
        .filter(format -> !responseFormats.contains(format.type()))
        .map(format -> "responseFormat: " + format.type().wire() + " is not supported by provider \"" + provider
            + "\" (expected: " + (responseFormats.isEmpty() ? "none" : "one of " + wire(responseFormats)) + ")");
  }

  private static String wire(Set<ResponseFormat.Type> types) {
    return String.join(", ", types.stream().map(ResponseFormat.Type::wire).sorted().toList());
  }
}
