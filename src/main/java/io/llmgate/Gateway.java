package io.llmgate;

import io.llmgate.auth.ApiKeyAuthenticator;
import io.llmgate.auth.Authenticator;
import io.llmgate.auth.JwtAuthenticator;
import io.llmgate.cluster.Cluster;
import io.llmgate.cluster.RedisCluster;
import io.llmgate.cluster.RedisRateLimiter;
import io.llmgate.cluster.RedisReplayStore;
import io.llmgate.cluster.RedisStore;
import io.llmgate.config.ApiKey;
import io.llmgate.config.ConfigException;
import io.llmgate.config.GatewayConfig;
import io.llmgate.config.Limits;
import io.llmgate.config.ResumeConfig;
import io.llmgate.health.HealthRoutes;
import io.llmgate.metrics.MetricsRoute;
import io.llmgate.metrics.StreamLog;
import io.llmgate.metrics.StreamMetrics;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.Providers;
import io.llmgate.provider.local.LocalProvider;
import io.llmgate.ratelimit.LocalRateLimiter;
import io.llmgate.ratelimit.RateLimiter;
import io.llmgate.session.InMemoryReplayStore;
import io.llmgate.session.InMemoryStreamRegistry;
import io.llmgate.session.ReplayStore;
import io.llmgate.session.StreamService;
import io.llmgate.stream.StreamListener;
import io.llmgate.transport.ChatRequestParser;
import io.llmgate.transport.ConnectionLimits;
import io.llmgate.transport.Connections;
import io.llmgate.transport.StreamCommands;
import io.llmgate.transport.http1.Http1Hardening;
import io.llmgate.transport.openai.OpenAiRoutes;
import io.llmgate.transport.socketio.SocketIoNamespace;
import io.llmgate.transport.socketio.SocketIoOptions;
import io.llmgate.transport.socketio.SocketIoServer;
import io.llmgate.transport.socketio.chat.SocketIoChatHandler;
import io.llmgate.transport.sse.SseRoutes;
import io.llmgate.transport.web.BrowserOrigins;
import io.llmgate.transport.web.ChatPageRoutes;
import io.llmgate.transport.web.OriginRoutes;
import io.llmgate.transport.websocket.WebSocketRoutes;
import io.llmgate.vertx.VertxInternals;
import io.llmgate.warmup.SelfWarmup;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The composition root: the one place that sees every package and wires them. {@code Main} and the tests
 * start the same wiring (tests on port 0).
 */
public final class Gateway {
  /**
   * Each client socket's kernel send buffer. Autotuned (up to 4 MB), it let a client that stopped reading
   * take megabytes before its write queue filled and the stream paused, all of it also kept in the stream's
   * fullResponse and replay log (~17 MB of heap per stalled stream); 64 KB is ample for token streams.
   */
  private static final int SEND_BUFFER_BYTES = 64 * 1024;
  private static final long RATE_LIMIT_EVICTION_MS = 60_000;
  /**
   * HTTP server instances, one per core: a Vert.x server handles all its connections on the event loop it
   * was created on, so a single instance would leave every other core idle (measured: one loop saturated,
   * 1,000 SSE streams all stalled, 0.7 of 2 cores busy).
   */
  private static final int SERVER_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();
  private static final String[] TRANSPORTS = {"socketio", "websocket", "sse", "openai"};

  private final Vertx vertx;
  private final GatewayConfig config;
  private final StreamService streams;
  /** The transports' way to the service: their payloads read once, then run on it. */
  private final StreamCommands commands;
  private final JwtAuthenticator authenticator;
  /** API keys first, then JWTs: what every transport authenticates with. */
  private final Authenticator credentials;
  private final Connections connections = new Connections();
  private final ConnectionLimits connectionLimits;
  private final BrowserOrigins origins;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final boolean generatedSecret;
  private final SocketIoServer socketIo;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics(); // GC pauses and bytes allocated
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final Cluster cluster;
  /** Completes once a cluster node has announced itself (or found Redis unreachable: it starts unready). */
  private final Future<Void> joining;
  /** Completes when the self-warm-up is over (at once when it is off); {@code /readyz} waits for it. */
  private final Promise<SelfWarmup.Result> warmedUp = Promise.promise();

  /** {@code logStreams}: a line per ended stream in {@code llmgate.streams}; off for the warm-up's gateway. */
  private Gateway(Vertx vertx, GatewayConfig config, ProviderRegistry providers, StreamListener listener,
      boolean logStreams) {
    this.vertx = vertx;
    // With a PEM key or a JWKS, tokens come from an identity provider: no secret is made up for HS256.
    this.generatedSecret = config.jwtSecret().isEmpty() && !config.auth().jwt().hasPublicKeys();
    this.config = generatedSecret ? config.withJwtSecret(Optional.of(randomSecret())) : config;
    Limits limits = config.limits();
    List<ApiKey> apiKeys = apiKeys(config);
    ToIntFunction<String> messagesPerUser = perUser(apiKeys, ApiKey::messagesPerMinute, limits.messagesPerWindow());
    ToIntFunction<String> streamsPerUser = perUser(apiKeys, ApiKey::concurrentStreams, limits.concurrentStreams());
    RedisCluster redis = config.cluster().redisUrl().map(url -> new RedisCluster(vertx,
        new RedisStore(vertx, url, config.cluster().commandTimeout(), registry), config.cluster().heartbeat(),
        config.cluster().nodeTtl(), streamsPerUser, this::nodeCounters)).orElse(null);
    this.cluster = redis == null ? Cluster.STANDALONE : redis;
    this.streams = new StreamService(vertx, providers, rateLimiter(vertx, redis, messagesPerUser, limits),
        redis == null ? new InMemoryStreamRegistry(streamsPerUser) : redis.streams(),
        StreamListener.all(new StreamMetrics(registry), logStreams ? new StreamLog() : StreamListener.NONE, listener),
        replayStore(redis, config), config.resume().disconnectGrace(), limits.maxFullResponseChars());
    this.commands = new StreamCommands(streams, new ChatRequestParser(limits.maxRequestBytes()));
    this.joining = redis == null ? Future.succeededFuture() : redis.join().otherwiseEmpty();
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    for (String transport : TRANSPORTS) {
      registry.gauge("llmgate.connections.active", Tags.of("transport", transport), connections,
          c -> c.count(transport));
    }
    this.authenticator = new JwtAuthenticator(vertx, config.auth().jwt(), this.config.jwtSecret());
    this.credentials = new ApiKeyAuthenticator(apiKeys, authenticator);
    this.connectionLimits = new ConnectionLimits(config.limits().connectionsPerUser(),
        config.limits().maxConnections());
    this.origins = new BrowserOrigins(config.security(), generatedSecret);
    this.socketIo = SocketIoServer.create(vertx, socketIoOptions(config).setAllowRequest(origins::allows));
    // Unlike llmgate.connections.active, also the sessions of clients that never authenticated.
    registry.gauge("llmgate.engineio.sessions", socketIo, SocketIoServer::connectedClients);
    SocketIoNamespace chat = socketIo.namespace("/");
    registry.gauge("llmgate.socketio.recovery.sessions", chat, SocketIoNamespace::persistedSessions);
    registry.gauge("llmgate.socketio.recovery.bytes", chat, SocketIoNamespace::recoveryBytes);
    new SocketIoChatHandler(commands, credentials, connections, connectionLimits).bind(chat);
  }

  /** In memory, and in cluster mode in Redis too, so that a client can resume on any node. */
  private static ReplayStore replayStore(RedisCluster cluster, GatewayConfig config) {
    ResumeConfig resume = config.resume();
    InMemoryReplayStore local = new InMemoryReplayStore(resume.window(), resume.maxEventsPerStream(),
        resume.maxCharsPerStream(), resume.maxEvents());
    return cluster == null ? local : new RedisReplayStore(local, cluster, resume.window(),
        config.cluster().heartbeat());
  }

  /** The listed keys and the single {@code LLMGATE_API_KEY}, whose user is {@code api-key}. */
  private static List<ApiKey> apiKeys(GatewayConfig config) {
    List<ApiKey> keys = new ArrayList<>(config.auth().apiKeys());
    config.apiKey().ifPresent(key -> keys.add(ApiKey.plain(ApiKeyAuthenticator.API_KEY_USER, key)));
    return keys;
  }

  /** A limit an API key gives its user, else {@code fallback}: limits belong to the user id. */
  private static ToIntFunction<String> perUser(List<ApiKey> keys, Function<ApiKey, OptionalInt> limit, int fallback) {
    Map<String, Integer> own = new HashMap<>();
    keys.forEach(key -> limit.apply(key).ifPresent(value -> own.put(key.user(), value)));
    return user -> own.getOrDefault(user, fallback);
  }

  /** Shared by the cluster's nodes when there is one, else this node's own (with idle buckets evicted). */
  private static RateLimiter rateLimiter(Vertx vertx, RedisCluster cluster, ToIntFunction<String> messagesPerUser,
      Limits limits) {
    if (cluster != null) {
      return new RedisRateLimiter(cluster.store(), messagesPerUser, limits.window());
    }
    LocalRateLimiter limiter = new LocalRateLimiter(messagesPerUser, limits.window());
    vertx.setPeriodic(RATE_LIMIT_EVICTION_MS, id -> limiter.evictIdle());
    return limiter;
  }

  /** What this node reports of itself to the cluster; summed over all nodes in {@code /websocket/health}. */
  private JsonObject nodeCounters() {
    return new JsonObject().put("connectedClients", connections.total())
        .put("activeLLMStreams", streams.activeStreams());
  }

  private static SocketIoOptions socketIoOptions(GatewayConfig config) {
    return new SocketIoOptions()
        .setPingInterval(config.socketIo().pingInterval().toMillis())
        .setPingTimeout(config.socketIo().pingTimeout().toMillis())
        .setConnectTimeout(config.socketIo().connectTimeout().toMillis())
        .setMaxPayload(config.socketIo().maxPayload())
        .setMaxDisconnectionDuration(config.socketIo().maxDisconnectionDuration().toMillis())
        .setRecoveryPackets(config.socketIo().recoveryPackets())
        .setRecoveryMaxBytes(config.socketIo().recoveryMaxBytes());
  }

  /** Builds the providers from {@code config} (loading the local model off the event loop) and listens. */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return vertx.executeBlocking(() -> providers(vertx, config))
        .compose(providers -> start(vertx, config, providers, StreamListener.NONE));
  }

  /**
   * The providers {@code config} enables: the local model always, remote ones whose key is set. Blocks
   * while the local model loads, so call it at start-up, off the event loop.
   */
  public static ProviderRegistry providers(Vertx vertx, GatewayConfig config) {
    ProviderRegistry registry;
    try {
      registry = Providers.fromEnvironment(vertx, config.env(), config.providers());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return registry.register(LocalProvider.load(config.local()));
  }

  /** Starts with the given providers: tests use this to add scripted ones next to the real wiring. */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, ProviderRegistry providers,
      StreamListener listener) {
    Gateway gateway = new Gateway(vertx, config, providers, listener, true);
    return gateway.joining.compose(joined -> gateway.listen()).map(gateway).onSuccess(Gateway::warmUp);
  }

  /** The self-warm-up's gateway ({@link GatewayWarmup}): no line per stream, no warm-up of its own. */
  static Future<Gateway> startQuiet(Vertx vertx, GatewayConfig config, ProviderRegistry providers) {
    Gateway gateway = new Gateway(vertx, config, providers, StreamListener.NONE, false);
    return gateway.listen().map(gateway);
  }

  /** Runs the self-warm-up when it is on, then lets {@code /readyz} turn ready; serving goes on meanwhile. */
  private void warmUp() {
    if (!config.warmup().enabled()) {
      warmedUp.complete(SelfWarmup.Result.NONE);
      return;
    }
    GatewayWarmup.run(vertx, config).onComplete(done -> warmedUp.complete(done.result()));
  }

  /** What the self-warm-up did, once it is over and {@code /readyz} may turn ready as far as it goes. */
  public Future<SelfWarmup.Result> warmedUp() {
    return warmedUp.future();
  }

  private Future<HttpServer> listen() {
    Router router = Router.router(vertx);
    // Socket.IO checks the browser origin itself (refusing as Engine.IO does, with its own CORS); the origin
    // check comes before every other route.
    socketIo.mount(router);
    new OriginRoutes(origins).mount(router);
    new HealthRoutes(streams, connections, cluster, authenticator::ready, warmedUp.future()).mount(router);
    MetricsRoute.mount(router, registry);
    int maxRequestBytes = config.limits().maxRequestBytes();
    new OpenAiRoutes(vertx, commands, credentials, connections, maxRequestBytes, config.api()).mount(router);
    new SseRoutes(vertx, commands, credentials, connections, maxRequestBytes, config.api()).mount(router);
    new WebSocketRoutes(vertx, commands, credentials, connections, connectionLimits).mount(router);
    new ChatPageRoutes().mount(router);
    // The Socket.IO options also turn WebSocket compression off: token frames are tiny and frequent, and
    // compressing them costs ~10x throughput (measured).
    HttpServerOptions options = socketIoOptions(config).applyTo(new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        // A whole /ws llm:chat:stream frame up to the request size limit, so the parser can name the limit.
        .setMaxWebSocketMessageSize(Math.max(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE,
            maxRequestBytes + 4096))
        .setTcpNoDelay(true)
        .setSendBufferSize(SEND_BUFFER_BYTES)
        // HTTP/1.1 only. With cleartext HTTP/2 on, Vert.x builds a connection only once its first request
        // has been read (to see whether it asks for h2c): too late to time that request's headers or to
        // decode it strictly (Http1Hardening). Nothing llmgate serves needs HTTP/2 without TLS.
        .setHttp2ClearTextEnabled(false));
    // Every instance listens on the same port, each from its own event loop, and Vert.x spreads accepted
    // connections over them. Port 0 would give each its own port: Vert.x shares a random port between
    // servers that ask for the same negative one, so ask for one this gateway alone uses.
    HttpServerOptions shared = config.port() != 0 ? options
        : new HttpServerOptions(options).setPort(-RANDOM_PORT_KEYS.incrementAndGet());
    List<Future<HttpServer>> instances = new ArrayList<>();
    for (int i = 0; i < SERVER_LOOPS; i++) {
      instances.add(listenOnOwnLoop(router, shared));
    }
    return Future.all(instances).map(all -> servers.get(0));
  }

  /** One server instance on an event loop of its own: a server serves all its connections on one loop. */
  private Future<HttpServer> listenOnOwnLoop(Router router, HttpServerOptions options) {
    Promise<HttpServer> listening = Promise.promise();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Http1Hardening hardening = new Http1Hardening(options, config.api().headerTimeout());
        return vertx.createHttpServer(options).connectionHandler(connection -> {
          VertxInternals.consolidateFlushes(connection);
          hardening.install(connection);
        }).requestHandler(router).listen().onComplete(listening);
      }
    }).onFailure(listening::tryFail);
    return listening.future().onSuccess(servers::add);
  }

  public int port() {
    return servers.get(0).actualPort();
  }

  public StreamService streams() {
    return streams;
  }

  public StreamCommands commands() {
    return commands;
  }

  public JwtAuthenticator authenticator() {
    return authenticator;
  }

  /** True when no secret was configured and this run signs with a random one (dev mode). */
  public boolean usesGeneratedSecret() {
    return generatedSecret;
  }

  /**
   * Graceful stop: unready at once, new streams refused, running ones given the drain period, the rest
   * ended with {@code shutting_down}; then the servers close.
   */
  public Future<Void> shutdown() {
    return streams.drain(config.drainTimeout())
        .compose(v -> socketIo.close())
        .compose(v -> Future.all(servers.stream().map(HttpServer::close).toList()).<Void>mapEmpty())
        .compose(v -> streams.providers().close().otherwiseEmpty())
        .compose(v -> cluster instanceof RedisCluster redis ? redis.leave() : Future.<Void>succeededFuture())
        .onComplete(closed -> {
          authenticator.close();
          gcMetrics.close();
        });
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
