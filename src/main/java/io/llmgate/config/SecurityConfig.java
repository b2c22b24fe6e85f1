package io.llmgate.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may call llmgate besides its own: {@code allowedOrigins} are exact origins
 * ({@code https://app.example.com}, lower-cased, no path) or {@code *} for any page. The gateway's own
 * origin is always allowed, and in dev mode (no {@code LLMGATE_JWT_SECRET}) any localhost page too.
 */
public record SecurityConfig(List<String> allowedOrigins) {
  public static final SecurityConfig DEFAULT = new SecurityConfig(List.of());
  public static final String ANY_ORIGIN = "*";

  public SecurityConfig {
    allowedOrigins = allowedOrigins.stream().map(SecurityConfig::origin).toList();
  }

  /** The origin as a browser serializes it (RFC 6454 §6.1), so that it compares equal to an Origin header. */
  private static String origin(String value) {
    String trimmed = value.trim();
    if (trimmed.equals(ANY_ORIGIN)) {
      return trimmed;
    }
    try {
      URI uri = new URI(trimmed);
      boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
          && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
      if (web && bare && uri.getHost() != null) {
        return trimmed.toLowerCase(Locale.ROOT);
      }
    } catch (java.net.URISyntaxException e) {
      // refused below, with what was expected
    }
    throw new ConfigException("security.allowed-origins: \"" + value
        + "\" (expected: an origin such as https://app.example.com, without a path, or *)");
  }
}
