package io.llmgate.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Blocking helpers for tests that drive event-loop code from the test thread: the code under test must
 * run on a Vert.x context, while the test wants a plain result or exception to assert on.
 */
public final class OnContext {
  private OnContext() {}

  /**
   * Runs {@code action} on {@code context} and waits up to 10s for its future; a failed future is rethrown
   * as its own cause, so tests can assert on the gateway's exception rather than a wrapper.
   */
  public static <T> T onContext(Context context, Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
