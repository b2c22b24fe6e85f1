package io.llmgate.provider.http;

import io.vertx.core.Future;

/**
 * Prepares a provider's request just before it is sent, asynchronously: a signature over its URL and
 * body (AWS SigV4), an OAuth token refreshed when it expires, a key re-read from a rotated secret file
 * ({@link ApiKeyFile}). Each attempt (a retry, a fallback) asks again, so a signature is always fresh.
 *
 * <p>It is called on the stream's context before a connection is asked for, and its time counts against
 * the first-token timeout; its future may complete on any thread (the stream comes back to its own). A
 * stream cancelled or timed out while it runs sends nothing. A failure ends the stream before a byte is
 * sent: a {@code GatewayException} as it is (say {@code upstream_auth} for a token the identity provider
 * refused), anything else as {@code upstream_unavailable}, retryable, naming the provider and the cause.
 */
@FunctionalInterface
public interface RequestHook {
  /** The call as its mapper wrote it. The stream skips it: no future, no turn of the loop. */
  RequestHook NONE = Future::succeededFuture;

  /** The call to send instead of {@code call}, e.g. {@code call.withHeader("x-signature", …)}. */
  Future<UpstreamCall> prepare(UpstreamCall call);
}
