package io.llmgate.provider.http;

import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.stream.ChatRequest;
import java.util.List;

/**
 * What every remote provider has in common: a configured endpoint, a request mapping and a stream
 * decoder. A subclass says only where to send what, and how to read the answer.
 */
public abstract class HttpStreamingProvider implements ChatProvider {
  private final HttpUpstream http;
  protected final ProviderEndpoint endpoint;

  protected HttpStreamingProvider(HttpUpstream http, ProviderEndpoint endpoint) {
    this.http = http;
    this.endpoint = endpoint;
  }

  /** The POST that streams {@code request} from {@code model}. */
  protected abstract UpstreamCall call(ChatRequest request, String model);

  /** A fresh decoder for one stream from {@code model}. */
  protected abstract StreamDecoder decoder(String model);

  @Override
  public final String name() {
    return endpoint.name();
  }

  @Override
  public final String defaultModel() {
    return endpoint.defaultModel();
  }

  @Override
  public final List<String> models() {
    return endpoint.models();
  }

  @Override
  public final ProviderStream open(ChatRequest request) {
    String model = request.model().orElse(endpoint.defaultModel());
    return http.stream(call(request, model), decoder(model), endpoint.timeouts());
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
