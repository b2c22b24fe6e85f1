package io.llmgate.stream;

import java.util.List;
import java.util.Objects;

/**
 * One message of the conversation sent to the model: text, or (user messages) text and images in order.
 */
public record ChatMessage(Role role, List<ContentPart> parts) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
  }

  public ChatMessage(Role role, String content) {
    this(role, List.of(new ContentPart.Text(content)));
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
