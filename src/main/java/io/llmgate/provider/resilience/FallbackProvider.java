package io.llmgate.provider.resilience;

import io.llmgate.error.GatewayException;
import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.ProviderStream;
import io.llmgate.stream.ChatRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries the next provider of a list when one fails before its first token (protocol.md {@code fallback}).
 * Each fallback gets the request with its own default model, since a model name rarely means anything to
 * another provider. {@code UpstreamEvent.Opened} names whichever provider answered.
 */
public final class FallbackProvider implements ChatProvider {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackProvider.class);

  private final List<ChatProvider> chain;

  /** Tries {@code chain} in order; {@link ProviderRegistry#resolve} builds it for a request. */
  public FallbackProvider(List<ChatProvider> chain) {
    this.chain = List.copyOf(chain);
  }

  @Override
  public String name() {
    return chain.get(0).name();
  }

  @Override
  public String defaultModel() {
    return chain.get(0).defaultModel();
  }

  @Override
  public List<String> models() {
    return chain.get(0).models();
  }

  @Override
  public Capabilities capabilities() {
    return chain.get(0).capabilities();
  }

  @Override
  public ProviderStream open(ChatRequest request) {
    return FailoverStream.open(new FailoverStream.Plan() {
      private int index;
      private final List<String> failures = new ArrayList<>();

      @Override
      public ProviderStream first() {
        return chain.get(0).open(request);
      }

      @Override
      public Optional<FailoverStream.Attempt> next(GatewayException failure) {
        failures.add(failure.getMessage());
        if (index + 1 >= chain.size()) {
          return Optional.empty();
        }
        ChatProvider next = chain.get(++index);
        LOG.info("{}: failed before its first token ({}: {}); falling back to {}", chain.get(index - 1).name(),
            failure.code().wire(), failure.getMessage(), next.name());
        String from = chain.get(index - 1).name();
        return Optional.of(new FailoverStream.Attempt(Duration.ZERO, () -> next.open(request.withProvider(next.name())),
            observer -> observer.fallingBack(from, next.name(), failure.code())));
      }

      /** The last failure, with every provider's message, so the client sees why each one failed. */
      @Override
      public GatewayException giveUp(GatewayException last) {
        return new GatewayException(last.code(), String.join("; then ", failures), last.retryable());
      }
    }, RetryTimer.VERTX);
  }

  @Override
  public String toString() {
    return "fallback chain " + chain.stream().map(ChatProvider::name).toList();
  }
}
