package io.llmgate;

import io.llmgate.config.ConfigException;
import io.llmgate.config.ConfigLoader;
import io.llmgate.config.GatewayConfig;
import io.llmgate.warmup.SelfWarmup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Loads the configuration, starts the gateway, and on SIGTERM/SIGINT drains it and exits 0. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final int DEV_TOKEN_SECONDS = 24 * 3600;

  private Main() {}

  /** Runs the self-warm-up on a loopback port and exits: the training run of a class-data archive. */
  static final String WARM_UP_AND_EXIT = "--warm-up-and-exit";

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0) {
      if (args.length == 1 && args[0].equals(WARM_UP_AND_EXIT)) {
        System.exit(warmUpAndExit());
      }
      System.err.println("llmgate: unknown arguments: " + String.join(" ", args) + " (expected: none, or "
          + WARM_UP_AND_EXIT + "; the configuration comes from the environment and LLMGATE_CONFIG)");
      System.exit(2);
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      exitOnConfigError(e);
      return;
    }
    // Native epoll where Netty has it (Linux x86_64): fewer syscalls and less garbage per frame than NIO.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      // The provider settings are checked against the providers as the gateway builds them (Providers).
      vertx.close();
      exitOnConfigError(e);
      return;
    } catch (Exception e) {
      System.err.println("llmgate: failed to start: " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    printBanner(config, gateway, vertx.isNativeTransportEnabled());
    awaitStopSignal();
    LOG.info("stop signal: draining streams for up to {}s", config.drainTimeout().toSeconds());
    gateway.shutdown().eventually(vertx::close).toCompletionStage().toCompletableFuture().join();
    System.exit(0);
  }

  private static void exitOnConfigError(ConfigException e) {
    System.err.println("llmgate: configuration error: " + e.getMessage());
    System.exit(2);
  }

  /**
   * The defaults on a free port of 127.0.0.1 (none of the environment: a build machine's variables must not
   * shape it), the self-warm-up, then exit: 0 when every warm-up stream completed. Run with
   * {@code -XX:ArchiveClassesAtExit}, the JVM then archives every class the warm-up loaded (docs/deployment.md).
   */
  private static int warmUpAndExit() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      GatewayConfig config = ConfigLoader.load(Map.of()).withHost("127.0.0.1").withPort(0);
      Gateway gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
      SelfWarmup.Result result = gateway.warmedUp().await(config.warmup().maxDuration().toSeconds() + 30, TimeUnit.SECONDS);
      gateway.shutdown().await(30, TimeUnit.SECONDS);
      return result.failed() == 0 && !result.timedOut() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("llmgate: warm-up failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }

  private static void printBanner(GatewayConfig config, Gateway gateway, boolean nativeTransport) {
    String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
    String url = "http://" + host + ":" + gateway.port();
    String providers = gateway.streams().providers().all().stream()
        .map(p -> p.name() + " (" + p.defaultModel() + ")").collect(Collectors.joining(", "));
    StringBuilder banner = new StringBuilder()
        .append("llmgate listening on ").append(url).append('\n')
        .append("  chat page: ").append(url).append("/\n")
        .append("  providers: ").append(providers.isEmpty() ? "none" : providers).append('\n')
        .append("  network: ").append(nativeTransport ? "native epoll" : "Java NIO").append('\n');
    if (gateway.usesGeneratedSecret()) {
      banner.append("  LLMGATE_JWT_SECRET is not set: signing with a random secret for this run only.\n")
          .append("  dev token (sub=dev-user, 24h): ")
          .append(gateway.authenticator().issue("dev-user", DEV_TOKEN_SECONDS)).append('\n');
    }
    System.out.print(banner);
    System.out.flush();
  }

  /** Blocks the main thread (never an event loop) until SIGTERM or SIGINT. */
  private static void awaitStopSignal() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    stop.await();
  }

}
