package io.llmgate.transport;

import static io.llmgate.transport.ChatRequestParser.describe;
import static io.llmgate.transport.ChatRequestParser.invalid;
import static io.llmgate.transport.ChatRequestParser.requireObject;

import io.llmgate.stream.ContentPart;
import io.llmgate.stream.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A message's {@code content}: a string, or (protocol.md extension) an array of parts, OpenAI's in camel case:
 * {@code {type: "text", text}} and, in user messages, {@code {type: "image_url", imageUrl: {url, detail?}}}.
 */
final class ContentParts {
  /** Anthropic's limit per image, the smallest of the providers' (OpenAI and Gemini take 20 MB). */
  static final int MAX_IMAGE_BYTES = 5 * 1024 * 1024;
  private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
  private static final Set<String> DETAILS = Set.of("low", "high", "auto");

  private ContentParts() {}

  static List<ContentPart> parse(Object content, Role role, String field, ChatFields fields) {
    if (content instanceof String text) {
      return List.of(new ContentPart.Text(text));
    }
    if (!(content instanceof JsonArray array) || array.isEmpty()) {
      throw invalid(field + ": " + describe(content) + " (expected: a string or a non-empty array of parts)");
    }
    List<ContentPart> parts = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      parts.add(part(requireObject(array.getValue(i), field + "[" + i + "]"), role, field + "[" + i + "]", fields));
    }
    return parts;
  }

  private static ContentPart part(JsonObject part, Role role, String field, ChatFields fields) {
    Object type = part.getValue("type");
    if ("text".equals(type)) {
      if (!(part.getValue("text") instanceof String text)) {
        throw invalid(field + ".text: " + describe(part.getValue("text")) + " (expected: a string)");
      }
      return new ContentPart.Text(text);
    }
    if ("image_url".equals(type) && role == Role.USER) {
      return image(requireObject(fields.imageUrl(part), field + ".imageUrl"), field + ".imageUrl");
    }
    String expected = role == Role.USER ? "text or image_url" : "text; images only in user messages";
    throw invalid(field + ".type: " + describe(type) + " (expected: " + expected + ")");
  }

  private static ContentPart.Image image(JsonObject image, String field) {
    Object url = image.getValue("url");
    if (!(url instanceof String address) || !(isHttpsUrl(address) || address.startsWith("data:"))) {
      throw invalid(field + ".url: " + describe(url) + " (expected: an https URL or a data: URI)");
    }
    if (address.startsWith("data:")) {
      checkDataUri(address, field + ".url");
    }
    Object detail = image.getValue("detail");
    if (detail != null && !DETAILS.contains(detail)) {
      throw invalid(field + ".detail: " + describe(detail) + " (expected: low, high or auto)");
    }
    return new ContentPart.Image(address, Optional.ofNullable((String) detail));
  }

  private static boolean isHttpsUrl(String address) {
    try {
      URI uri = new URI(address);
      return "https".equals(uri.getScheme()) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code data:image/png;base64,…}: every provider needs the type and base64; the size is Anthropic's limit. */
  private static void checkDataUri(String uri, String field) {
    int comma = uri.indexOf(',');
    String head = comma < 0 ? uri : uri.substring(0, comma);
    if (comma < 0 || !head.endsWith(";base64") || !IMAGE_TYPES.contains(head.substring(5, head.length() - 7))) {
      throw invalid(field + ": a data: URI of " + describe(head)
          + " (expected: data:image/png|jpeg|gif|webp;base64,<data>)");
    }
    int length = uri.length() - comma - 1;
    if (length == 0 || length % 4 != 0 || !isBase64(uri, comma + 1)) {
      throw invalid(field + ": the data: URI's data is not base64 (expected: base64 with padding)");
    }
    long bytes = length / 4L * 3 - (uri.endsWith("==") ? 2 : uri.endsWith("=") ? 1 : 0);
    if (bytes > MAX_IMAGE_BYTES) {
      throw invalid(field + ": an image of " + bytes + " bytes (expected: at most " + MAX_IMAGE_BYTES + ")");
    }
  }

  private static boolean isBase64(String text, int from) {
    int end = text.length();
    int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    for (int i = from; i < end - padding; i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
        return false;
      }
    }
    return true;
  }
}
