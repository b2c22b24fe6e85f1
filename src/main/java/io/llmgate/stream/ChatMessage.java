package io.llmgate.stream;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of the conversation sent to the model: text, or (user messages) text and images in order. An
 * assistant message may carry the tool calls the model made (its content then often empty); a
 * {@link Role#TOOL} message is the result of the call named by {@code toolCallId}.
 */
public record ChatMessage(Role role, List<ContentPart> parts, List<ToolCall> toolCalls, Optional<String> toolCallId) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
    toolCalls = List.copyOf(toolCalls);
    if ((role == Role.TOOL) != toolCallId.isPresent()) {
      throw new IllegalArgumentException("toolCallId: expected exactly on tool messages");
    }
    if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
      throw new IllegalArgumentException("toolCalls: expected only on assistant messages");
    }
  }

  public ChatMessage(Role role, List<ContentPart> parts) {
    this(role, parts, List.of(), Optional.empty());
  }

  public ChatMessage(Role role, String content) {
    this(role, List.of(new ContentPart.Text(content)));
  }

  /** An assistant turn that called tools, with whatever text came before the calls. */
  public static ChatMessage toolCalls(String content, List<ToolCall> calls) {
    return new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Text(content)), calls, Optional.empty());
  }

  public static ChatMessage toolResult(String toolCallId, String content) {
    return new ChatMessage(Role.TOOL, List.of(new ContentPart.Text(content)), List.of(), Optional.of(toolCallId));
  }

  /** The message's text parts joined: all of it for a message without images. */
  public String content() {
    if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text text) {
      return text.text();
    }
    StringBuilder text = new StringBuilder();
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Text piece) {
        text.append(piece.text());
      }
    }
    return text.toString();
  }

  public boolean hasImages() {
    return parts.stream().anyMatch(part -> part instanceof ContentPart.Image);
  }
}
