package io.llmgate.transport.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's request decoder, except that a request whose body length is ambiguous is invalid (RFC 9112
 * §6.1): one with both {@code Content-Length} and {@code Transfer-Encoding}, or with a {@code
 * Transfer-Encoding} whose final coding is not {@code chunked}. Netty would drop the Content-Length of the
 * first and read the body as chunked, and frame the second by its Content-Length, keeping the connection
 * either way; a front proxy that framed the body otherwise would disagree on where the next request
 * starts: request smuggling (§11.2). Failing inside the header read makes Netty take its invalid-message
 * path: it discards everything after it on the connection, and Vert.x answers 400 and closes. It also
 * tells the connection's {@link HeaderDeadline} when bytes of a request arrive.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private final HeaderDeadline deadline;

  StrictRequestDecoder(HttpServerOptions options, HeaderDeadline deadline) {
    super(options);
    this.deadline = deadline;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    deadline.bytesArrived();
    super.decode(ctx, buffer, out);
  }

  /** Netty asks this of every message once its headers are read: the one hook that sees them all. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    HttpHeaders headers = message.headers();
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        throw new IllegalArgumentException("Content-Length together with Transfer-Encoding (RFC 9112 §6.1)");
      }
      if (!finalCodingIsChunked(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING))) {
        throw new IllegalArgumentException("Transfer-Encoding not ending in chunked (RFC 9112 §6.1)");
      }
    }
    return super.isContentAlwaysEmpty(message);
  }

  private static boolean finalCodingIsChunked(List<String> fields) {
    String[] codings = String.join(",", fields).split(",");
    return HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings[codings.length - 1].trim());
  }
}
