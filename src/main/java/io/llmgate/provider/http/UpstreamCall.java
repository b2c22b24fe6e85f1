package io.llmgate.provider.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One streaming POST to a provider. {@code secret} is the API key the headers carry, kept so that any
 * echo of it in an upstream message can be blanked out; {@link #toString()} shows neither.
 */
public record UpstreamCall(String provider, String url, Map<String, String> headers, Buffer body, String secret) {
  public UpstreamCall {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(secret, "secret");
  }

  /** The same call with header {@code name} set to {@code value}, in place of any of that name in any case. */
  public UpstreamCall withHeader(String name, String value) {
    Map<String, String> set = new LinkedHashMap<>();
    headers.forEach((each, old) -> {
      if (!each.equalsIgnoreCase(name)) {
        set.put(each, old);
      }
    });
    set.put(name, value);
    return new UpstreamCall(provider, url, set, body, secret);
  }

  /**
   * The same call authenticated with {@code key} instead of its {@link #secret()}: a header whose value
   * is the old key ({@code x-api-key}, {@code x-goog-api-key}) or ends with it after a space
   * ({@code Authorization: Bearer …}) carries the new one instead, whichever header the provider's mapper
   * put it in, and the new key is the one blanked from messages.
   */
  public UpstreamCall withKey(String key) {
    if (secret.isEmpty()) {
      throw new IllegalStateException(provider + ": a key swapped into a call that carries none");
    }
    Map<String, String> set = new LinkedHashMap<>();
    String scheme = " " + secret;
    headers.forEach((name, value) -> set.put(name, value.equals(secret) ? key
        : value.endsWith(scheme) ? value.substring(0, value.length() - secret.length()) + key : value));
    return new UpstreamCall(provider, url, set, body, key);
  }

  RequestOptions options(Duration connectTimeout) {
    return new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url)
        .setConnectTimeout(connectTimeout.toMillis());
  }

  /** host:port, for messages. */
  String target() {
    URI uri = URI.create(url);
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    return uri.getHost() + ":" + port;
  }

  @Override
  public String toString() {
    return provider + " POST " + url;
  }
}
