package io.llmgate.provider.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
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
