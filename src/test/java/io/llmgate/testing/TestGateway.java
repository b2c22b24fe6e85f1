package io.llmgate.testing;

import io.llmgate.Gateway;
import io.llmgate.config.ApiConfig;
import io.llmgate.config.GatewayConfig;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.stream.StreamListener;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The production wiring on port 0 with a {@link ScriptedUpstream} as its provider (also the default
 * model of the OpenAI API), on its own Vert.x. Mints tokens with the gateway's own signing key.
 */
public final class TestGateway implements AutoCloseable {
  private final Vertx vertx;
  private final Gateway gateway;
  private final ScriptedUpstream upstream;

  private TestGateway(Vertx vertx, Gateway gateway, ScriptedUpstream upstream) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.upstream = upstream;
  }

  public static TestGateway start() {
    return start(config -> config);
  }

  public static TestGateway start(UnaryOperator<GatewayConfig> tweak) {
    return start(tweak, (vertx, registry) -> { });
  }

  /** {@code moreProviders} adds providers next to the scripted one (real ones over a fake upstream). */
  public static TestGateway start(UnaryOperator<GatewayConfig> tweak, BiConsumer<Vertx, ProviderRegistry> moreProviders) {
    Vertx vertx = Vertx.vertx();
    ScriptedUpstream upstream = new ScriptedUpstream(vertx);
    GatewayConfig config = tweak.apply(GatewayConfig.defaults(0)
        .withApi(ApiConfig.DEFAULT.withDefaultModel(ScriptedUpstream.NAME)));
    ProviderRegistry providers = new ProviderRegistry().register(upstream);
    moreProviders.accept(vertx, providers);
    try {
      Gateway gateway = Gateway.start(vertx, config, providers, StreamListener.NONE)
          .await(30, TimeUnit.SECONDS);
      return new TestGateway(vertx, gateway, upstream);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("gateway did not start", e);
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public Gateway gateway() {
    return gateway;
  }

  public ScriptedUpstream upstream() {
    return upstream;
  }

  public int port() {
    return gateway.port();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** A valid JWT for {@code user}, signed like the development token printed at start-up. */
  public String token(String user) {
    return gateway.authenticator().issue(user, 3600);
  }

  /** Waits until no stream is running: every upstream was released. */
  public void awaitNoActiveStreams(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (gateway.streams().activeStreams() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(gateway.streams().activeStreams() + " streams still active after " + timeout);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    try {
      gateway.shutdown().await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing the Vert.x instance below releases everything anyway
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // nothing left to do
      }
    }
  }
}
