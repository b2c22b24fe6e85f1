package io.llmgate.provider.http;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What every remote provider has in common: a configured endpoint, a request mapping and a stream
 * decoder. A provider is this class given where to send what, and how to read the answer.
 */
public class HttpStreamingProvider implements ChatProvider {

  /** Makes one stream's decoder: {@code (provider name, requested model) -> decoder}. */
  @FunctionalInterface
  public interface Decoders {
    StreamDecoder<?> create(String provider, String model);
  }

  private final HttpUpstream http;
  private final ProviderEndpoint endpoint;
  private final BiFunction<ChatRequest, String, UpstreamCall> mapper;
  private final Decoders decoders;
  private final Capabilities capabilities;
  private final RequestHook hook;

  /**
   * {@code mapper} turns a request and the model to use into the POST that streams it; it is only handed
   * requests within {@code capabilities}.
   */
  protected HttpStreamingProvider(HttpUpstream http, ProviderEndpoint endpoint,
      BiFunction<ChatRequest, String, UpstreamCall> mapper, Decoders decoders, Capabilities capabilities) {
    this(http, endpoint, mapper, decoders, capabilities, RequestHook.NONE);
  }

  /** A provider whose every request {@code hook} prepares before it is sent (signing, a fresh token or key). */
  protected HttpStreamingProvider(HttpUpstream http, ProviderEndpoint endpoint,
      BiFunction<ChatRequest, String, UpstreamCall> mapper, Decoders decoders, Capabilities capabilities,
      RequestHook hook) {
    this.http = http;
    this.endpoint = endpoint;
    this.mapper = mapper;
    this.decoders = decoders;
    this.capabilities = capabilities;
    this.hook = hook;
  }

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
  public final Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public final ProviderStream open(ChatRequest request) {
    String model = request.model().orElse(endpoint.defaultModel());
    return http.stream(mapper.apply(request, model), decoders.create(name(), model), endpoint.timeouts(),
        hook);
  }

  /** Closes the HTTP client, which the providers of one registry share: they are closed together. */
  @Override
  public Future<Void> close() {
    return http.close();
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
