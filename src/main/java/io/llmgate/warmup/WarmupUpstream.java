package io.llmgate.warmup;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The provider the self-warm-up streams from: an OpenAI-style Chat Completions endpoint on a loopback port of
 * this process, answering every request with {@link #TOKENS} chunks, the finish reason, the usage and {@code [DONE]},
 * each its own write. It stands for a real provider, so that the warm-up runs llmgate's upstream client,
 * frame reader and decoder as a real stream does, and never reaches, or is billed by, a real one.
 */
public final class WarmupUpstream {
  /** The path a provider whose base URL is {@link #baseUrl()} posts to. */
  static final String PATH = "/v1/chat/completions";
  /**
   * Tokens per answer: enough that the per-token code (the upstream frame reader and decoder, the encoders,
   * the writes) runs past C2's thresholds within the warm-up's streams (bench/README.md).
   */
  static final int TOKENS = 16;

  private final HttpServer server;

  private WarmupUpstream(HttpServer server) {
    this.server = server;
  }

  /** Listens on a free port of 127.0.0.1. */
  public static Future<WarmupUpstream> start(Vertx vertx) {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
        .requestHandler(WarmupUpstream::answer).listen().map(WarmupUpstream::new);
  }

  /** What a provider appends {@code /chat/completions} to. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  public Future<Void> close() {
    return server.close();
  }

  private static void answer(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      HttpServerResponse response = request.response();
      if (!PATH.equals(request.path())) {
        response.setStatusCode(404).end();
        return;
      }
      response.setChunked(true).putHeader("content-type", "text/event-stream");
      for (int i = 0; i < TOKENS; i++) {
        response.write(chunk("{\"index\":0,\"delta\":{\"content\":\"warm" + i + " \"}}", ""));
      }
      response.write(chunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}", ""));
      response.write(chunk("", ",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + TOKENS + "}"));
      response.end("data: [DONE]\n\n");
    });
  }

  private static String chunk(String choice, String more) {
    return "data: {\"object\":\"chat.completion.chunk\",\"model\":\"warmup\",\"choices\":[" + choice + "]" + more
        + "}\n\n";
  }
}
