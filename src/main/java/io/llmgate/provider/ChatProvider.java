package io.llmgate.provider;

import io.llmgate.stream.ChatRequest;
import io.vertx.core.Future;
import java.util.List;

/** A source of streamed chat completions: the local model, OpenAI, Claude, Gemini, … */
public interface ChatProvider {

  /** The name clients send in {@code provider}. */
  String name();

  /** The model used when the request names none. */
  String defaultModel();

  /** Models worth listing to clients (the default first); others may still be accepted upstream. */
  default List<String> models() {
    return List.of(defaultModel());
  }

  /** What this provider can take besides text; a request needing more never reaches it. */
  default Capabilities capabilities() {
    return Capabilities.ALL;
  }

  /**
   * Starts the generation now and returns at once; must be called on a Vert.x context (the stream's
   * handlers run there). The returned stream is paused-capable and cancellable from its first moment.
   */
  ProviderStream open(ChatRequest request);

  /**
   * Releases what the provider holds (its HTTP clients and their pooled connections); called once, when the
   * gateway that offered it shuts down, after its streams have ended.
   */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
