package io.llmgate.testing;

import io.llmgate.config.ClusterConfig;
import io.llmgate.config.GatewayConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Two gateway nodes, each a {@link TestGateway} on its own Vert.x in this JVM, on one real redis-server of
 * the test's own, with a 200 ms heartbeat so that presence and totals move within a test. {@code settings}
 * shapes each node's config over the cluster settings; {@code scripts} fills each node's upstream.
 */
public final class TwoNodes implements AutoCloseable {
  public static final Duration HEARTBEAT = Duration.ofMillis(200);

  private final RedisServer redis;
  private final UnaryOperator<GatewayConfig> settings;
  private final Consumer<ScriptedUpstream> scripts;
  private final TestGateway a;
  private final TestGateway b;

  private TwoNodes(RedisServer redis, UnaryOperator<GatewayConfig> settings, Consumer<ScriptedUpstream> scripts) {
    this.redis = redis;
    this.settings = settings;
    this.scripts = scripts;
    this.a = node(HEARTBEAT);
    this.b = node(HEARTBEAT);
  }

  public static TwoNodes start(UnaryOperator<GatewayConfig> settings, Consumer<ScriptedUpstream> scripts)
      throws Exception {
    RedisServer redis = RedisServer.launch();
    try {
      return new TwoNodes(redis, settings, scripts);
    } catch (RuntimeException failed) {
      redis.close();
      throw failed;
    }
  }

  public TestGateway a() {
    return a;
  }

  public TestGateway b() {
    return b;
  }

  public RedisServer redis() {
    return redis;
  }

  /** One more node on the same Redis, with the same settings and scripts; the caller closes it. */
  public TestGateway node(Duration heartbeat) {
    return node(cluster -> cluster.withHeartbeat(heartbeat));
  }

  /** One more node as {@link #node(Duration)}, its cluster settings shaped by {@code cluster}. */
  public TestGateway node(UnaryOperator<ClusterConfig> cluster) {
    TestGateway node = TestGateway.start(config -> settings.apply(config.withCluster(
        cluster.apply(ClusterConfig.STANDALONE.withRedisUrl(Optional.of(redis.url()))))));
    scripts.accept(node.upstream());
    return node;
  }

  @Override
  public void close() throws Exception {
    a.close();
    b.close();
    redis.close();
  }
}
