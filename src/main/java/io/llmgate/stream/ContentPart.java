package io.llmgate.stream;

import java.util.Objects;
import java.util.Optional;

/** One part of a message's content: text, or an image the model should look at (OpenAI's content parts). */
public sealed interface ContentPart {

  record Text(String text) implements ContentPart {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image by {@code https} URL, which the provider fetches itself, or inline as a base64 {@code data:} URI
   * (already checked by the parser: {@code data:<image type>;base64,<data>}). {@code detail} is OpenAI's
   * {@code low | high | auto}.
   */
  record Image(String url, Optional<String> detail) implements ContentPart {
    private static final String BASE64 = ";base64,";

    public Image {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(detail, "detail");
    }

    public boolean isInline() {
      return url.startsWith("data:");
    }

    /** The MIME type of an inline image, e.g. {@code image/png}. */
    public String mediaType() {
      return url.substring("data:".length(), url.indexOf(BASE64));
    }

    /** The base64 data of an inline image. */
    public String base64Data() {
      return url.substring(url.indexOf(BASE64) + BASE64.length());
    }
  }
}
