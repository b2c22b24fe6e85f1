package io.llmgate.transport;

import io.llmgate.testing.SseReader;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A POST whose answer is read as Server-Sent Events while it arrives, or, when the status is not 200, as
 * one error body. What the SSE and OpenAI test clients share.
 */
public final class HttpEventStream {
  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final int status;
  private final MultiMap headers;
  private final List<String> comments;

  private HttpEventStream(HttpClientRequest request, HttpClientResponse response, int status, MultiMap headers,
      List<String> comments) {
    this.request = request;
    this.response = response;
    this.status = status;
    this.headers = headers;
    this.comments = comments;
  }

  /**
   * Sends {@code body}; {@code frames} gets each event as it arrives, {@code refused} the body of a
   * non-200 answer, {@code ended} runs when the response ended or the connection closed.
   */
  public static HttpEventStream post(HttpClient client, int port, String path, String token, JsonObject body,
      Consumer<SseReader.Frame> frames, Consumer<Buffer> refused, Runnable ended) throws Exception {
    return post(client, port, path, token, body, null, frames, refused, ended);
  }

  /** The same with a {@code Last-Event-ID} header (a reconnecting client), unless it is null. */
  public static HttpEventStream post(HttpClient client, int port, String path, String token, JsonObject body,
      String lastEventId, Consumer<SseReader.Frame> frames, Consumer<Buffer> refused, Runnable ended)
      throws Exception {
    List<String> comments = new CopyOnWriteArrayList<>();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept-Encoding", "gzip, deflate");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    return client.request(options).compose(request -> request.send(body.toBuffer()).map(response -> {
      // On the event loop, before any body chunk can arrive.
      if (response.statusCode() == 200) {
        SseReader reader = new SseReader(frames, comments::add);
        response.handler(chunk -> reader.feed(chunk.getBytes()));
        response.endHandler(v -> ended.run());
        response.exceptionHandler(e -> ended.run());
      } else {
        response.body().onSuccess(refused::accept);
      }
      return new HttpEventStream(request, response, response.statusCode(), response.headers(), comments);
    })).await(10, TimeUnit.SECONDS);
  }

  /** The comment lines received so far (heartbeats). */
  public List<String> comments() {
    return List.copyOf(comments);
  }

  public int status() {
    return status;
  }

  public MultiMap headers() {
    return headers;
  }

  public void pause() {
    response.pause();
  }

  public void resume() {
    response.resume();
  }

  /** Drops the TCP connection, as a client process that dies or a browser tab that closes. */
  public Future<Void> disconnect() {
    return request.connection().close();
  }

  public static Future<Buffer> send(HttpClient client, HttpMethod method, int port, String path, String token) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Authorization", "Bearer " + token);
    return client.request(options).compose(request -> request.send().compose(response -> response.body()));
  }
}
