package io.llmgate.provider.resilience;

import io.llmgate.config.RetrySettings;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retries one provider before its first token, with exponential backoff and jitter ({@link Backoff}). */
public final class RetryingProvider implements ChatProvider {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingProvider.class);

  private final ChatProvider delegate;
  private final Backoff backoff;
  private final RetryTimer timer;

  public RetryingProvider(ChatProvider delegate, RetrySettings settings) {
    this(delegate, settings, RetryTimer.VERTX);
  }

  /** Waits between attempts on {@code timer}. */
  public RetryingProvider(ChatProvider delegate, RetrySettings settings, RetryTimer timer) {
    this.delegate = delegate;
    this.backoff = new Backoff(settings, () -> ThreadLocalRandom.current().nextDouble());
    this.timer = timer;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String defaultModel() {
    return delegate.defaultModel();
  }

  @Override
  public List<String> models() {
    return delegate.models();
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  @Override
  public ProviderStream open(ChatRequest request) {
    return FailoverStream.open(new FailoverStream.Plan() {
      private int attempts = 1;

      @Override
      public ProviderStream first() {
        return delegate.open(request);
      }

      @Override
      public Optional<FailoverStream.Attempt> next(GatewayException failure) {
        Optional<Duration> delay = backoff.delayAfter(attempts, failure);
        delay.ifPresent(wait -> LOG.info("{}: attempt {} failed ({}: {}); retrying in {} ms", name(), attempts,
            failure.code().wire(), failure.getMessage(), wait.toMillis()));
        attempts++;
        return delay.map(wait -> new FailoverStream.Attempt(wait, () -> delegate.open(request),
            observer -> observer.retrying(name(), failure.code())));
      }
    }, timer);
  }

  @Override
  public String toString() {
    return delegate + " with retries";
  }
}
