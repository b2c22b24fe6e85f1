package io.llmgate.transport.openai;

import io.llmgate.auth.Authenticator;
import io.llmgate.config.ApiConfig;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.session.StreamService;
import io.llmgate.stream.EventSink;
import io.llmgate.transport.AuthenticatedBody;
import io.llmgate.transport.Bearer;
import io.llmgate.transport.Connections;
import io.llmgate.transport.EventStreamResponse;
import io.llmgate.transport.JsonBody;
import io.llmgate.transport.ResponseLifetime;
import io.llmgate.transport.StreamCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The OpenAI-compatible API, so the official SDKs work with {@code baseURL} set to llmgate:
 * {@code POST /v1/chat/completions} (streamed or whole) and {@code GET /v1/models}. Each completion is a
 * stream of the stream service whose session id is the completion id, so it obeys the same per-user
 * limits, and closing the connection (an SDK's {@code AbortController}) aborts the upstream request.
 */
public final class OpenAiRoutes {
  static final String TRANSPORT = "openai";
  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Vertx vertx;
  private final StreamCommands commands;
  private final StreamService streams;
  private final Authenticator authenticator;
  private final Connections connections;
  private final int maxRequestBytes;
  private final Duration heartbeat;
  private final ModelCatalog models;
  private final AuthenticatedBody body;

  public OpenAiRoutes(Vertx vertx, StreamCommands commands, Authenticator authenticator, Connections connections,
      int maxRequestBytes, ApiConfig api) {
    this.vertx = vertx;
    this.commands = commands;
    this.streams = commands.streams();
    this.authenticator = authenticator;
    this.connections = connections;
    this.maxRequestBytes = maxRequestBytes;
    this.heartbeat = api.heartbeat();
    this.body = new AuthenticatedBody(vertx, authenticator, maxRequestBytes, api.bodyTimeout());
    this.models = new ModelCatalog(streams.catalog(), api.defaultModel());
  }

  public void mount(Router router) {
    body.mount(router.post("/v1/chat/completions"), this::complete, this::bodyRefused);
    router.get("/v1/models").handler(this::listModels);
  }

  private void complete(RoutingContext ctx) {
    String id = "chatcmpl-" + randomId();
    long created = System.currentTimeMillis() / 1000;
    Future.succeededFuture(AuthenticatedBody.user(ctx))
        .compose(user -> start(ctx, user, CompletionRequest.parse(JsonBody.of(ctx), id, models), id, created))
        .onFailure(failure -> OpenAiErrors.reply(ctx.response(), GatewayException.from(failure)));
  }

  private Future<Void> start(RoutingContext ctx, String user, CompletionRequest request, String id, long created) {
    EventSink sink = request.stream()
        ? new ChunkSink(new EventStreamResponse(vertx, ctx.response(), heartbeat), ctx.response(), id, created,
            request.includeUsage())
        : new CompletionSink(ctx.response(), id, created);
    return commands.start(user, request.chat()::start, sink)
        .recover(failure -> Future.failedFuture(naming(request.model(), GatewayException.from(failure))))
        .map(ack -> {
          ResponseLifetime.track(ctx, connections, TRANSPORT, () -> streams.abandoned(user, sink));
          return null;
        });
  }

  private void listModels(RoutingContext ctx) {
    authenticator.authenticate(Bearer.token(ctx.request()))
        .onSuccess(user -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(models.list().encode()))
        .onFailure(failure -> OpenAiErrors.reply(ctx.response(), GatewayException.from(failure)));
  }

  private void bodyRefused(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      GatewayException tooLarge = JsonBody.tooLarge(maxRequestBytes);
      OpenAiErrors.reply(ctx.response(), 413, false, OpenAiErrors.body(tooLarge));
      return;
    }
    Throwable failure = ctx.failure() != null ? ctx.failure() : new IllegalStateException("status " + ctx.statusCode());
    OpenAiErrors.reply(ctx.response(), GatewayException.from(failure));
  }

  /**
   * The stream service speaks of providers and the protocol's fields; an OpenAI client sent a model and
   * OpenAI's field names, so name those.
   */
  private static GatewayException naming(String model, GatewayException failure) {
    if (failure.code() == ErrorCode.INVALID_REQUEST) {
      return new GatewayException(failure.code(), OpenAiChat.inOpenAiNames(failure.getMessage()),
          failure.retryable());
    }
    if (failure.code() != ErrorCode.UNKNOWN_PROVIDER) {
      return failure;
    }
    return new GatewayException(failure.code(), "model: \"" + model + "\" is not available; " + failure.getMessage()
        + " (see GET /v1/models)", failure.retryable());
  }

  private static String randomId() {
    StringBuilder id = new StringBuilder(24);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 24; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }
}
