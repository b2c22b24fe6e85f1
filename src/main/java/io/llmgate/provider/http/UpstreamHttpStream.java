package io.llmgate.provider.http;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.GatewayException;
import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.AbstractProviderStream;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One streaming HTTP exchange with a provider, as a {@link ProviderStream}. Everything runs on the
 * context that opened it, so plain fields suffice. Bytes go through the provider's frame decoder (SSE
 * for every built-in provider) and its {@link StreamDecoder} into a small queue that honours the reader's demand; while the reader
 * is paused (or the queue holds what one network read produced) the HTTP response is paused, so a slow
 * client slows the upstream read instead of filling memory.
 *
 * <p>A provider's {@link RequestHook} prepares the request first, within the first-token timeout; the
 * trivial one ({@link RequestHook#NONE}) is skipped, so a static provider pays nothing for it.
 *
 * <p>{@link #cancel()} aborts at once in every phase: before the connection exists it marks the stream so
 * the connection is closed the moment it opens (or never asked for, while the hook runs), without a byte sent; afterwards it resets the request,
 * which on HTTP/1.1 closes the connection and on HTTP/2 sends RST_STREAM, so the provider stops generating and billing.
 */
final class UpstreamHttpStream<F> extends AbstractProviderStream {
  private static final int MAX_ERROR_BODY = 64 << 10;

  private enum Phase { CONNECTING, AWAITING_HEADERS, STREAMING, DRAINING, CLOSED }

  private final Context context;
  private final ConnectionHerdGate gate;
  private final RequestHook hook;
  private final StreamDecoder<F> decoder;
  private final UpstreamTimeouts timeouts;
  private final FrameDecoder frames;
  // Made once: a method reference written per frame is an object per frame.
  private final Consumer<UpstreamEvent> enqueue = this::enqueue;
  private final ArrayDeque<UpstreamEvent> queue = new ArrayDeque<>();
  private final UpstreamTimers timers;

  private Phase phase = Phase.CONNECTING;
  private long demand = Long.MAX_VALUE;
  private boolean delivering;
  private boolean cancelled;
  private boolean finishQueued;
  private boolean endDelivered;
  private boolean responseEnded;
  private boolean connecting;
  private boolean connectionClosed;
  private boolean closeReported;
  private GatewayException failure;
  // The mapper's call, then the hook's: its headers are sent, its secret blanked from messages.
  private UpstreamCall call;
  private ConnectionHerdGate.Ticket ticket;
  private HttpClientRequest request;
  private HttpClientResponse response;
  private CloseWatch closeWatch;

  UpstreamHttpStream(Context context, ConnectionHerdGate gate, UpstreamCall call, StreamDecoder<F> decoder,
      UpstreamTimeouts timeouts, RequestHook hook) {
    this.context = context;
    this.gate = gate;
    this.call = call;
    this.hook = hook;
    this.decoder = decoder;
    this.timeouts = timeouts;
    this.frames = decoder.framing().open(this::onFrame);
    this.timers = new UpstreamTimers(context.owner(), call.provider(), timeouts, this::terminate);
  }

  /** Starts on the next turn of the loop, so the caller can set its handlers first. */
  UpstreamHttpStream<F> start() {
    context.runOnContext(v -> prepare());
    return this;
  }

  private void prepare() {
    if (phase != Phase.CONNECTING) {
      return;
    }
    timers.startFirstToken();
    if (hook == RequestHook.NONE) {
      connect();
      return;
    }
    Future<UpstreamCall> prepared;
    try {
      prepared = hook.prepare(call);
    } catch (RuntimeException e) {
      prepared = Future.failedFuture(e);
    }
    prepared.onComplete(this::onPrepared);
  }

  /** The hook's answer, from whichever thread it completed on. */
  private void onPrepared(AsyncResult<UpstreamCall> prepared) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> onPrepared(prepared));
      return;
    }
    if (phase != Phase.CONNECTING) {
      return; // cancelled or timed out while the hook ran: nothing was asked for, nothing is sent
    }
    if (prepared.failed() || prepared.result() == null) {
      terminate(prepared.failed() && prepared.cause() instanceof GatewayException reported ? reported
          : UpstreamErrors.notPrepared(call.provider(), prepared.failed() ? reason(prepared.cause()) : "no request"));
      return;
    }
    call = prepared.result();
    connect();
  }

  private void connect() {
    connecting = true;
    ticket = gate.enter(call.options(timeouts.connect()));
    ticket.exchange().onComplete(this::onConnected);
  }

  private void onConnected(AsyncResult<HttpClientRequest> connected) {
    connecting = false;
    if (connected.failed()) {
      onConnectionClosed();
      terminate(UpstreamErrors.unreachable(call.provider(), call.target(), reason(connected.cause())));
      return;
    }
    HttpClientRequest obtained = connected.result();
    boolean shared = obtained.version() == HttpVersion.HTTP_2;
    if (phase != Phase.CONNECTING) {
      // Cancelled (or timed out) while connecting: nothing of the request is sent. An HTTP/1.1 connection is
      // closed; an HTTP/2 one carries other streams, so only this unsent stream is let go.
      (shared ? obtained.reset() : obtained.connection().close())
          .onComplete(closed -> context.runOnContext(v -> onConnectionClosed()));
      return;
    }
    request = obtained;
    if (!shared) {
      // A pooled HTTP/1.1 connection serves one exchange at a time, so this handler is this stream's until it ends.
      closeWatch = new CloseWatch(this);
      request.connection().closeHandler(closeWatch);
    }
    phase = Phase.AWAITING_HEADERS;
    call.headers().forEach(request::putHeader);
    request.send(call.body()).onComplete(this::onResponse);
  }

  private void onResponse(AsyncResult<HttpClientResponse> answered) {
    if (phase != Phase.AWAITING_HEADERS) {
      return;
    }
    if (answered.failed()) {
      terminate(UpstreamErrors.connectionLost(call.provider(), reason(answered.cause())));
      return;
    }
    response = answered.result();
    response.exceptionHandler(e -> terminate(UpstreamErrors.connectionLost(call.provider(), reason(e))));
    if (response.statusCode() / 100 == 2) {
      phase = Phase.STREAMING;
      response.handler(this::onBytes);
      response.endHandler(v -> onBodyEnd());
      flowControl();
    } else {
      readErrorBody(response);
    }
  }

  private void readErrorBody(HttpClientResponse errorResponse) {
    Buffer body = Buffer.buffer();
    errorResponse.handler(chunk -> body.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY - body.length())));
    errorResponse.endHandler(v -> {
      exchangeEnded();
      String text = body.toString();
      terminate(UpstreamErrors.httpStatus(call.provider(), errorResponse.statusCode(), ErrorEnvelope.fromBody(text),
          RetryHints.retryAfter(errorResponse.headers(), text, Clock.systemUTC()), RetryHints.shouldRetry(errorResponse.headers())));
    });
  }

  private void onBytes(Buffer bytes) {
    if (phase != Phase.STREAMING) {
      return; // after the end marker: let the rest drain so the connection can be reused
    }
    try {
      // Decode straight from the network buffer's array when it has one (Vert.x hands heap buffers): no copy.
      ByteBuf buf = VertxInternals.byteBuf(bytes);
      if (buf.hasArray()) {
        frames.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      } else {
        byte[] copy = bytes.getBytes();
        frames.feed(copy, 0, copy.length);
      }
    } catch (IllegalStateException tooLong) {
      terminate(UpstreamErrors.malformed(call.provider(), "(line)", tooLong.getMessage()));
    }
    flowControl();
  }

  private void onFrame(F frame) {
    if (phase != Phase.STREAMING) {
      return;
    }
    timers.frameArrived();
    try {
      decoder.onEvent(frame, enqueue);
    } catch (GatewayException reported) {
      terminate(reported);
    }
  }

  private void onBodyEnd() {
    exchangeEnded();
    if (phase != Phase.STREAMING) {
      return;
    }
    try {
      decoder.onEnd(frames.end(), enqueue);
    } catch (GatewayException reported) {
      terminate(reported);
      return;
    }
    if (!finishQueued) {
      terminate(UpstreamErrors.truncated(call.provider(), "the provider's end marker"));
    }
  }

  private void enqueue(UpstreamEvent event) {
    if (phase != Phase.STREAMING) {
      return;
    }
    if (event.kind() != UpstreamEvent.Kind.OPENED && event.kind() != UpstreamEvent.Kind.USAGE) {
      timers.firstTokenArrived();
    }
    queue.add(event);
    if (event.kind() == UpstreamEvent.Kind.FINISHED) {
      finishQueued = true;
      leave(Phase.DRAINING);
      timers.cancelAll();
    }
    deliver();
  }

  /** Hands queued events to the reader while it wants them, then the end or the failure, in order. */
  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (demand > 0 && !queue.isEmpty() && !cancelled) {
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        emitEvent(queue.poll());
      }
      if (queue.isEmpty() && !cancelled) {
        deliverEnding();
      }
    } finally {
      delivering = false;
    }
  }

  private void deliverEnding() {
    if (finishQueued && !endDelivered) {
      endDelivered = true;
      emitEnd();
    } else if (failure != null) {
      GatewayException reported = failure;
      failure = null;
      emitFailure(reported);
    }
  }

  /** The HTTP response reads only while the reader wants events and nothing is waiting for it. */
  private void flowControl() {
    if (response == null || phase != Phase.STREAMING) {
      return;
    }
    if (demand > 0 && queue.isEmpty()) {
      response.resume();
    } else {
      response.pause();
    }
  }

  /** Ends the exchange with {@code reported}, after the events already queued. */
  private void terminate(GatewayException reported) {
    if (phase == Phase.CLOSED || phase == Phase.DRAINING) {
      return;
    }
    leave(Phase.CLOSED);
    timers.cancelAll();
    failure = UpstreamErrors.redacted(reported, call.secret());
    abortUpstream();
    deliver();
  }

  @Override
  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    leave(Phase.CLOSED);
    timers.cancelAll();
    queue.clear();
    abortUpstream();
    if (!connecting && (request == null || responseEnded || connectionClosed)) {
      onConnectionClosed(); // nothing was open, or the exchange was already over: nothing left to close
    }
  }

  /** No frame is decoded from here on: the decoder lets go of what it read with. */
  private void leave(Phase next) {
    phase = next;
    decoder.close();
  }

  /** The response is complete: the connection (or its stream slot) goes back to the pool and is no longer this stream's. */
  private void exchangeEnded() {
    responseEnded = true;
    ticket.release();
    if (closeWatch != null) {
      closeWatch.detach();
    }
  }

  /**
   * The close handler of a pooled connection stays set after the exchange, for as long as the connection
   * idles in the pool (a minute by default) or until the next exchange replaces it. Holding the stream
   * there directly would keep the stream, its session and the client connection behind it reachable all
   * that time: at 2,000 streams a minute, hundreds of megabytes. So the handler holds the stream only
   * until the exchange ends.
   */
  private static final class CloseWatch implements Handler<Void> {
    private volatile UpstreamHttpStream<?> stream;

    CloseWatch(UpstreamHttpStream<?> stream) {
      this.stream = stream;
    }

    void detach() {
      stream = null;
    }

    @Override
    public void handle(Void closed) {
      UpstreamHttpStream<?> watched = stream;
      if (watched != null) {
        // The handler runs on the connection's context, which may be another stream's: come back to ours.
        watched.context.runOnContext(v -> watched.onConnectionClosed());
      }
    }
  }

  /** Tells the observer, once, that a cancelled stream's connection is gone. */
  private void onConnectionClosed() {
    connectionClosed = true;
    if (cancelled && !closeReported) {
      closeReported = true;
      observer().connectionClosed();
    }
  }

  private void abortUpstream() {
    if (request != null && !responseEnded && !connectionClosed) {
      // HTTP/1.1 resets an exchange in flight by closing its connection, which the close watch reports;
      // HTTP/2 sends RST_STREAM, after which this stream's exchange is gone though the connection stays.
      Future<Void> reset = request.reset();
      if (closeWatch == null) {
        reset.onComplete(sent -> context.runOnContext(v -> onConnectionClosed()));
      }
    }
    if (ticket != null) {
      ticket.release(); // a stream still waiting at the gate leaves it, with nothing asked for
    }
  }

  private static String reason(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  @Override
  public ProviderStream pause() {
    demand = 0;
    timers.paused(true);
    flowControl();
    return this;
  }

  @Override
  public ProviderStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ProviderStream fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    timers.paused(false);
    deliver();
    flowControl();
    return this;
  }
}
