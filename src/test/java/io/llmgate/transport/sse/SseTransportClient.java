package io.llmgate.transport.sse;

import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.HttpEventStream;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Drives {@code POST /v1/streams} as an SSE client, cancelling with {@code DELETE /v1/streams/{id}}. */
final class SseTransportClient implements TransportClient {
  private final HttpClient client;
  private final int port;

  SseTransportClient(Vertx vertx, int port) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(TransportContract.CLIENT_RECEIVE_BUFFER));
    this.port = port;
  }

  @Override
  public ClientStream start(String token, JsonObject request) throws Exception {
    EventRecorder events = new EventRecorder();
    HttpEventStream http = HttpEventStream.post(client, port, "/v1/streams", token, request,
        frame -> events.add(frame.event(), new JsonObject(frame.data())),
        body -> events.add(EventRecorder.ERROR, new JsonObject(body)),
        () -> { });
    String sessionId = request.getString("sessionId");
    return new ClientStream() {
      @Override
      public EventRecorder events() {
        return events;
      }

      @Override
      public void cancel() throws Exception {
        HttpEventStream.send(client, HttpMethod.DELETE, port, "/v1/streams/" + sessionId, token)
            .await(10, TimeUnit.SECONDS);
      }

      @Override
      public void disconnect() throws Exception {
        http.disconnect().await(10, TimeUnit.SECONDS);
      }

      @Override
      public void pauseReading() {
        http.pause();
      }

      @Override
      public void resumeReading() {
        http.resume();
      }
    };
  }

  @Override
  public void close() {
    client.close();
  }
}
