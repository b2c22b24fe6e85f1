package io.llmgate.transport.http1;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for a request's headers, from the connection's start or the end of the previous response: a
 * client that trickles header bytes (slowloris) resets every idle timeout, so only a deadline for the whole
 * header section closes it, with 408 as Node's {@code headersTimeout} does once a request has begun (a
 * connection on which nothing arrived is closed without a word, as an idle keep-alive one). The clock
 * runs only while no request is being answered, and stops for good once the connection is a WebSocket.
 */
final class HeaderDeadline extends ChannelDuplexHandler {
  private final long timeoutMs;
  private final String message;
  private ScheduledFuture<?> timer;
  /** Whether bytes of the next request arrived since the clock started. */
  private boolean begun;
  /** Requests whose headers have arrived and whose response has not ended yet (pipelining). */
  private int answering;

  HeaderDeadline(long timeoutMs, String message) {
    this.timeoutMs = timeoutMs;
    this.message = message;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    arm(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      answering++;
      disarm();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean interim = msg instanceof HttpResponse response
        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (interim && ((HttpResponse) msg).status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      ctx.pipeline().remove(this); // a WebSocket now: no more HTTP requests on this connection
    } else if (!interim && msg instanceof LastHttpContent && answering > 0 && --answering == 0) {
      arm(ctx);
    }
    ctx.write(msg, promise);
  }

  /** Called by the decoder, on the connection's event loop, with each read. */
  void bytesArrived() {
    begun = true;
  }

  private void arm(ChannelHandlerContext ctx) {
    disarm();
    begun = false;
    timer = ctx.executor().schedule(() -> expire(ctx), timeoutMs, TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    if (!begun) {
      ctx.close();
      return;
    }
    byte[] body = ("{\"error\":\"" + message + "\",\"code\":\"invalid_request\"}").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(body));
    timeout.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
  }
}
