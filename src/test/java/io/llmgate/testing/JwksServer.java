package io.llmgate.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An identity provider's key-set endpoint on 127.0.0.1, port 0: serves the keys it is given (or a status
 * such as 503 for an outage) and counts how often it was asked.
 */
public final class JwksServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile JsonObject body = new JsonObject().put("keys", new JsonArray());
  private volatile int status = 200;

  public JwksServer(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> {
      requests.incrementAndGet();
      request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }).listen(0, "127.0.0.1").await();
  }

  /** Serves exactly these public keys from now on, and 200. */
  public JwksServer serve(List<JsonObject> jwks) {
    body = new JsonObject().put("keys", new JsonArray(List.copyOf(jwks)));
    status = 200;
    return this;
  }

  /** Answers every request with {@code code} from now on (an outage). */
  public JwksServer fail(int code) {
    status = code;
    return this;
  }

  public int requests() {
    return requests.get();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json");
  }

  @Override
  public void close() {
    server.close().await();
  }
}
