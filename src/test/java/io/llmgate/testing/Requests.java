package io.llmgate.testing;

import io.llmgate.session.CancelRequest;
import io.llmgate.session.ResumeRequest;
import io.llmgate.session.StartRequest;
import io.llmgate.transport.ChatRequestParser;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The stream service's typed requests for engine tests, read from protocol payloads by the transports' own
 * parser; a payload it refuses is the failed future a transport would hand the service.
 */
public final class Requests {
  private static final ChatRequestParser PARSER = new ChatRequestParser(10_000);

  private Requests() {}

  public static Future<StartRequest> start(Object payload) {
    return read(() -> PARSER.start(payload));
  }

  public static Future<CancelRequest> cancel(String sessionId) {
    return Future.succeededFuture(new CancelRequest(sessionId));
  }

  public static Future<ResumeRequest> resume(Object payload) {
    return read(() -> PARSER.resume(payload));
  }

  public static Future<ResumeRequest> resume(String sessionId, long lastIndex) {
    return Future.succeededFuture(new ResumeRequest(sessionId, lastIndex));
  }

  private static <T> Future<T> read(Supplier<T> parse) {
    try {
      return Future.succeededFuture(parse.get());
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
  }
}
