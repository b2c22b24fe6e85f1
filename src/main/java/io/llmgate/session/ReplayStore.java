package io.llmgate.session;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamEvent;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;

/**
 * The recently sent events of each user's streams, kept so that {@code llm:stream:resume} can replay them.
 * A stream's events are kept while it runs and for a resume window after its final event, within size
 * bounds; a stream is found only under the user who started it. This node keeps them in memory
 * ({@link InMemoryReplayStore}); in cluster mode a shared store (Redis) keeps them too, so that a client
 * can resume on any node.
 */
public interface ReplayStore {

  /**
   * A new stream {@code sessionId} of {@code user} begins: forget whatever was kept under that id. Its
   * events go to the returned recording, which holds the stream's place so that keeping a token looks
   * nothing up.
   */
  Recording begin(String user, String sessionId);

  /** Where one stream's events are kept. */
  interface Recording {
    /** Keeps an event the stream sent, in sending order; a final event starts the resume window. */
    void append(StreamEvent event);

    /**
     * Whether keeping one more event would lose one a resumer could still ask for: the stream's log is at
     * its bound, or was evicted. A stream with no client pauses its upstream while this holds.
     */
    boolean full();

    /**
     * Completes once every event appended so far can be read by a resume on any node: at once where they
     * are kept in this node's memory, once Redis has answered their writes in a shared log. Never fails.
     */
    default Future<Void> kept() {
      return Future.succeededFuture();
    }
  }

  /**
   * What a client that saw everything up to {@code lastIndex} missed, in order: {@code start} when
   * {@code lastIndex < 0}, the token and reasoning events with {@code index > lastIndex}, then the final
   * event if the stream has ended. Fails with {@code not_found} when nothing is kept under that id for
   * this user (never started, expired, evicted), and with {@code resume_gap} when events after
   * {@code lastIndex} were already dropped ({@link #gap}).
   */
  Future<List<StreamEvent>> eventsAfter(String user, String sessionId, long lastIndex);

  /**
   * Resumes on {@code sink} a stream this node does not run: one that ended, or, with a shared store, one
   * that runs on another node. From the next turn of {@code here} (the sink's context), so the transport can
   * acknowledge first, {@code sink} receives what {@link #eventsAfter} would answer and, for a stream running
   * elsewhere, its live events through the final one. Fails as {@link #eventsAfter} does.
   */
  Future<Resumed> resumeElsewhere(String user, String sessionId, long lastIndex, EventSink sink, Context here);

  /**
   * The refusal of a resume that would skip events: the client saw up to {@code lastIndex}, but events up to
   * {@code droppedThrough} are no longer kept. Typed, so a client never takes a gap for the whole answer.
   */
  static GatewayException gap(long lastIndex, long droppedThrough) {
    return new GatewayException(ErrorCode.RESUME_GAP, "lastIndex: " + lastIndex + " (expected: >= " + droppedThrough
        + "; events " + (lastIndex + 1) + " to " + droppedThrough + " of this stream are no longer kept, over"
        + " resume.max-events-per-stream or resume.max-chars-per-stream)");
  }

  /** The client behind {@code sink} left: stop sending it the live events of streams run elsewhere. */
  void forget(EventSink sink);
}
