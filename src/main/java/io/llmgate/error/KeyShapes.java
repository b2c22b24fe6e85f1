package io.llmgate.error;

import java.util.regex.Pattern;

/**
 * Blanks out anything in upstream text that looks like a credential, before that text is cut short or
 * passed on: an upstream may echo the key it was sent (a 401 body often does), and a key cut at the
 * abbreviation limit would no longer match the configured key exactly.
 */
final class KeyShapes {
  static final String MASK = "***";

  // A shorter tail cannot be told from ordinary text, and reveals too little of a key to matter.
  private static final int MIN_PREFIX = 4;

  // sk-… (OpenAI, Anthropic sk-ant-…, DeepSeek), AIza… (Google), bearer credentials, JWTs, and any run
  // of 32+ token characters (hex or base64 secrets of other OpenAI-compatible servers).
  private static final Pattern KEY_SHAPED = Pattern.compile(
      "sk-[A-Za-z0-9_-]{8,}|AIza[A-Za-z0-9_-]{16,}|(?i:bearer)\\s+[A-Za-z0-9._~+/=-]{8,}"
          + "|eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*|[A-Za-z0-9_+/=-]{32,}");

  private KeyShapes() {}

  static String redact(String text) {
    return KEY_SHAPED.matcher(text).replaceAll(MASK);
  }

  /** {@code text} without {@code secret}, nor a prefix of it left where the text was cut ("…"). */
  static String redact(String text, String secret) {
    if (secret.isEmpty()) {
      return text;
    }
    String whole = text.replace(secret, MASK);
    if (!whole.endsWith("…")) {
      return whole;
    }
    String kept = whole.substring(0, whole.length() - 1);
    for (int length = secret.length() - 1; length >= MIN_PREFIX; length--) {
      if (kept.endsWith(secret.substring(0, length))) {
        return kept.substring(0, kept.length() - length) + MASK + "…";
      }
    }
    return whole;
  }
}
