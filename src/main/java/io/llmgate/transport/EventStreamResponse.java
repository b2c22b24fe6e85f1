package io.llmgate.transport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * An HTTP response carrying Server-Sent Events, written frame by frame as events happen. The headers stop
 * proxies from buffering ({@code Cache-Control: no-cache}, {@code X-Accel-Buffering: no}) and from
 * compressing (a compressor holds bytes back until its block fills); a comment line goes out when nothing
 * was written for a heartbeat interval, so idle-timeouts of proxies and clients do not cut a slow stream.
 * Used on the response's context only. Writing after the client left is a no-op, not an error: the
 * stream service learns of the departure through the route's end handler and cancels the upstream.
 */
public final class EventStreamResponse {
  private static final String HEARTBEAT = "keep-alive";
  private static final int FRAME_CHARS = 256;
  // A frame builder grown past this by a huge token is dropped, so an idle stream holds little.
  private static final int MAX_KEPT_FRAME_CHARS = 16 * 1024;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final Duration heartbeat;
  private final DrainWaiters drain;
  // One builder for every frame of the response (used on its context only): a token allocates no builder.
  private StringBuilder frame = new StringBuilder(FRAME_CHARS);
  private long timer = -1;
  private boolean wroteSinceTick;

  public EventStreamResponse(Vertx vertx, HttpServerResponse response, Duration heartbeat) {
    this.vertx = vertx;
    this.response = response;
    this.heartbeat = heartbeat;
    this.drain = new DrainWaiters(response);
  }

  /** Sends status 200 and the event-stream headers now, so the client sees the stream has begun. */
  public void open() {
    if (!usable() || response.headWritten()) {
      return;
    }
    response.setStatusCode(200).setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        // Vert.x skips its compressor for a response that names an encoding ("identity" = none).
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .writeHead();
    if (!heartbeat.isZero()) {
      timer = vertx.setPeriodic(heartbeat.toMillis(), id -> tick());
    }
  }

  public boolean isOpen() {
    return response.headWritten();
  }

  /**
   * Writes one frame, {@link SseFrames#appendEvent} with the data {@code data} appends: into this response's
   * builder, then straight into the Buffer that is sent. Called on the response's context.
   */
  public void write(String event, OptionalLong id, Consumer<StringBuilder> data) {
    if (!usable()) {
      return;
    }
    wroteSinceTick = true;
    frame.setLength(0);
    response.write(Utf8Buffer.encode(SseFrames.appendEvent(frame, event, id, data)));
    if (frame.capacity() > MAX_KEPT_FRAME_CHARS) {
      frame = new StringBuilder(FRAME_CHARS);
    }
  }

  /** A data-only frame, the form OpenAI's streaming API uses. */
  public void writeData(Consumer<StringBuilder> data) {
    write("", OptionalLong.empty(), data);
  }

  public void end() {
    stopHeartbeat();
    if (usable()) {
      response.end();
    }
  }

  public boolean writeQueueFull() {
    return usable() && drain.writeQueueFull();
  }

  public void onDrain(Runnable callback) {
    drain.onDrain(callback);
  }

  private void tick() {
    if (!usable()) {
      stopHeartbeat();
      return;
    }
    if (!wroteSinceTick) {
      response.write(SseFrames.comment(HEARTBEAT));
    }
    wroteSinceTick = false;
  }

  private void stopHeartbeat() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private boolean usable() {
    return !response.ended() && !response.closed();
  }
}
