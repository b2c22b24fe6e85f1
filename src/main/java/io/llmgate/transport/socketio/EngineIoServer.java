package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Engine.IO v4 endpoint: validates requests, answers handshakes and routes each request or
 * WebSocket to its session. Sessions are looked up from any event loop, hence the concurrent map;
 * everything else about a session happens on its own context.
 */
final class EngineIoServer {

  private static final String POLLING = "polling";
  private static final String WEBSOCKET = "websocket";

  private final Vertx vertx;
  private final SocketIoOptions options;
  private final Handler<EngineIoSession> connectionHandler;
  private final Map<String, EngineIoSession> sessions = new ConcurrentHashMap<>();
  // Sids of polling sessions the client closed while no poll was held: their last poll gets NOOP.
  private final Map<String, Boolean> lastPolls = new ConcurrentHashMap<>();
  private volatile boolean closing;

  EngineIoServer(Vertx vertx, SocketIoOptions options, Handler<EngineIoSession> connectionHandler) {
    this.vertx = vertx;
    this.options = new SocketIoOptions(options);
    this.connectionHandler = connectionHandler;
  }

  SocketIoOptions options() {
    return options;
  }

  int sessionCount() {
    return sessions.size();
  }

  /**
   * Handles one request on the Engine.IO path.
   *
   * @param body the request body when a router's body handler has already read it, else null
   */
  void handle(HttpServerRequest request, Buffer body) {
    boolean upgrade = isWebSocketUpgrade(request);
    if (!upgrade) {
      Cors.addHeaders(request);
    }
    HttpServerResponse response = request.response();
    if (!options.getAllowRequest().test(request)) {
      EngineIoError.FORBIDDEN.respond(response);
      return;
    }
    if (request.method() == HttpMethod.OPTIONS && !upgrade) {
      Cors.preflight(request);
      return;
    }
    String transport = request.getParam("transport");
    if (!POLLING.equals(transport) && !WEBSOCKET.equals(transport)) {
      EngineIoError.TRANSPORT_UNKNOWN.respond(response);
    } else if (!"4".equals(request.getParam("EIO"))) {
      EngineIoError.UNSUPPORTED_PROTOCOL_VERSION.respond(response);
    } else if (upgrade != WEBSOCKET.equals(transport)) {
      EngineIoError.BAD_REQUEST.respond(response);
    } else {
      String sid = request.getParam("sid");
      if (sid == null) {
        handshake(request, upgrade);
      } else {
        route(request, sid, upgrade, body);
      }
    }
  }

  private void handshake(HttpServerRequest request, boolean upgrade) {
    if (closing) {
      EngineIoError.SHUTTING_DOWN.respond(request.response());
    } else if (upgrade) {
      MultiMap headers = copy(request.headers());
      acceptWebSocket(request)
          .onSuccess(
              ws -> {
                if (closing) { // closed while the handshake was in flight
                  ws.close();
                  return;
                }
                EngineIoSession session = newSession(headers, request);
                session.startWebSocket(new EngineIoWebSocket(ws, session::execute, session, vertx, options));
                connectionHandler.handle(session);
              });
    } else if (request.method() != HttpMethod.GET) {
      EngineIoError.BAD_HANDSHAKE_METHOD.respond(request.response());
    } else {
      EngineIoSession session = newSession(copy(request.headers()), request);
      session.startPolling(request.response());
      connectionHandler.handle(session);
    }
  }

  private EngineIoSession newSession(MultiMap headers, HttpServerRequest request) {
    EngineIoSession session = new EngineIoSession(this, vertx, headers, request.remoteAddress());
    sessions.put(session.id(), session);
    return session;
  }

  private void route(HttpServerRequest request, String sid, boolean upgrade, Buffer body) {
    EngineIoSession session = sessions.get(sid);
    HttpServerResponse response = request.response();
    if (session == null) {
      if (!upgrade && request.method() == HttpMethod.GET && lastPolls.remove(sid) != null) {
        PollingTransport.write(response, EnginePacket.NOOP.encodeText());
      } else {
        EngineIoError.UNKNOWN_SID.respond(response);
      }
    } else if (upgrade) {
      acceptWebSocket(request)
          .onSuccess(
              ws -> {
                EngineIoWebSocket transport = new EngineIoWebSocket(ws, session::execute, session, vertx, options);
                session.execute(() -> session.onProbeWebSocket(transport));
              });
    } else if (request.method() == HttpMethod.GET) {
      session.execute(() -> session.onPollingGet(response));
    } else if (request.method() == HttpMethod.POST) {
      readBody(request, body, session);
    } else {
      EngineIoError.BAD_REQUEST.respond(response);
    }
  }

  private void readBody(HttpServerRequest request, Buffer readBody, EngineIoSession session) {
    HttpServerResponse response = request.response();
    int max = options.getMaxPayload();
    if (readBody != null) {
      if (readBody.length() > max) {
        session.execute(() -> session.onPollingPostTooLarge(response));
      } else {
        session.execute(() -> session.onPollingPost(response, readBody));
      }
      return;
    }
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && declared.length() < 19 && Long.parseLong(declared) > max) {
      session.execute(() -> session.onPollingPostTooLarge(response));
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    request.handler(
        chunk -> {
          if (tooLarge[0]) {
            return;
          }
          if (body.length() + chunk.length() > max) {
            tooLarge[0] = true;
            session.execute(() -> session.onPollingPostTooLarge(response));
          } else {
            body.appendBuffer(chunk);
          }
        });
    request.endHandler(
        v -> {
          if (!tooLarge[0]) {
            session.execute(() -> session.onPollingPost(response, body));
          }
        });
    request.resume(); // in case a router paused it before routing here
  }

  /**
   * Accepts the upgrade. Whether permessage-deflate is negotiated is the HTTP server's setting
   * (Netty negotiates it before the request reaches us): create the server with {@link
   * SocketIoOptions#applyTo} to keep it off.
   */
  private static Future<ServerWebSocket> acceptWebSocket(HttpServerRequest request) {
    return request.toWebSocket();
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest request) {
    return request.method() == HttpMethod.GET
        && HttpHeaders.WEBSOCKET
            .toString()
            .equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
  }

  private static MultiMap copy(MultiMap headers) {
    return MultiMap.caseInsensitiveMultiMap().addAll(headers);
  }

  /** Called on the session's context. */
  void expectLastPoll(String sid) {
    lastPolls.put(sid, Boolean.TRUE);
    vertx.setTimer(options.getPingTimeout(), t -> lastPolls.remove(sid));
  }

  void remove(EngineIoSession session) {
    sessions.remove(session.id(), session);
  }

  /** Closes every session on its own context; new handshakes are refused from now on. */
  Future<Void> close(String reason) {
    closing = true;
    List<Future<Void>> closed = new ArrayList<>();
    for (EngineIoSession session : sessions.values()) {
      Promise<Void> promise = Promise.promise();
      session.execute(
          () -> {
            session.close(reason);
            promise.complete();
          });
      closed.add(promise.future());
    }
    return Future.all(closed).mapEmpty();
  }
}
