package io.llmgate;

import io.llmgate.config.AuthConfig;
import io.llmgate.config.ClusterConfig;
import io.llmgate.config.CompatibleProviderSettings;
import io.llmgate.config.GatewayConfig;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.config.RetrySettings;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.config.WarmupConfig;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.compatible.CompatibleProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.warmup.JitSettle;
import io.llmgate.warmup.SelfWarmup;
import io.llmgate.warmup.WarmupUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-warm-up's wiring. The warm-up streams through a second gateway of the same code in this process,
 * built from the node's own settings but listening on a free loopback port, with its own signing key,
 * metrics, connection counts, limits and stream registry, and one provider: a {@link WarmupUpstream} in this
 * process. So the JIT compiles what the node runs, while the node's users, metrics, health counts and
 * providers see nothing of it: no real provider is called, nothing is billed. Both close when it is over.
 */
final class GatewayWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayWarmup.class);
  /** The warm-up gateway's one provider, also the default model of its OpenAI API. */
  static final String PROVIDER = "warmup";
  private static final int UPSTREAM_CONNECTIONS = 64;
  /** The warm-up's tokens outlive it: it runs for at most its max-duration. */
  private static final int TOKEN_SECONDS = 3600;

  private GatewayWarmup() {}

  /** Runs the warm-up {@code node} configures; completes (never fails) when it is over. */
  static Future<SelfWarmup.Result> run(Vertx vertx, GatewayConfig node) {
    long deadline = System.nanoTime() + node.warmup().maxDuration().toNanos();
    return streams(vertx, node).compose(result -> settle(vertx, node.warmup(), deadline).map(result));
  }

  private static Future<SelfWarmup.Result> streams(Vertx vertx, GatewayConfig node) {
    return WarmupUpstream.start(vertx).compose(upstream -> {
      // The gateway's shutdown closes its providers; closed here too when it never started (a second close is a no-op).
      ProviderRegistry providers = providers(vertx, upstream, node.providers().http2());
      return Gateway.startQuiet(vertx, config(node), providers)
          .compose(gateway -> new SelfWarmup(vertx, node.warmup(), gateway.port(), PROVIDER,
              user -> gateway.authenticator().issue(user, TOKEN_SECONDS)).run()
              .compose(result -> gateway.shutdown().transform(closed -> Future.succeededFuture(result))))
          .eventually(providers::close)
          .eventually(upstream::close);
    })
        .recover(e -> {
          LOG.warn("warm-up: could not run ({}); ready anyway", e.getMessage());
          return Future.succeededFuture(new SelfWarmup.Result(0, 1, 0, false));
        });
  }

  /** The wait for the compilers after the streams (off with {@code jit-settle: 0}), within the warm-up's deadline. */
  private static Future<Void> settle(Vertx vertx, WarmupConfig warmup, long deadline) {
    if (warmup.jitSettle().isZero()) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return JitSettle.ofThisJvm(vertx, warmup.jitSettle()).await(deadline).map(settled -> {
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (settled.settled()) {
        LOG.info("warm-up: JIT settled after {} ms", millis);
      } else {
        LOG.warn("warm-up: JIT still compiling at warmup.max-duration (waited {} ms); ready anyway", millis);
      }
      return null;
    });
  }

  /**
   * The node's settings, except what would tie the warm-up to the node or to the outside: a free port on
   * 127.0.0.1, a random HS256 signing key, no identity provider's keys and no API key (no token of the
   * warm-up opens the node, and the warm-up fetches no JWKS), standalone
   * (no Redis), no providers but the warm-up's, and no drain (its streams are ended at once when it closes).
   */
  private static GatewayConfig config(GatewayConfig node) {
    return node.withHost("127.0.0.1").withPort(0).withJwtSecret(Optional.empty()).withApiKey(Optional.empty())
        .withAuth(AuthConfig.DEFAULT)
        .withDrainTimeout(Duration.ZERO).withCluster(ClusterConfig.STANDALONE).withWarmup(WarmupConfig.OFF)
        .withApi(node.api().withDefaultModel(PROVIDER)).withProviders(ProvidersSettings.DEFAULT).withEnv(Map.of());
  }

  /** On the node's protocol to its providers ({@code http2}), so that the JIT compiles the client the node runs. */
  private static ProviderRegistry providers(Vertx vertx, WarmupUpstream upstream, boolean http2) {
    CompatibleProviderSettings settings = new CompatibleProviderSettings(PROVIDER, upstream.baseUrl(), Optional.empty(),
        Optional.empty(), PROVIDER, List.of(PROVIDER), List.of(), UpstreamTimeouts.DEFAULT, RetrySettings.DEFAULT);
    return new ProviderRegistry().register(
        CompatibleProvider.create(HttpUpstream.create(vertx, UPSTREAM_CONNECTIONS, http2), settings, Optional.empty()));
  }
}
