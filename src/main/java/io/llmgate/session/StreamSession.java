package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.UpstreamObserver;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.stream.Usage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Optional;

/**
 * One stream from upstream to one client, owned by one Vert.x context: all its fields are touched only
 * there, so it needs no locks. It emits exactly one final event, whichever of done, failure, cancel or
 * shutdown comes first, and after it nothing more — like {@code Promise.tryComplete}. Public only so that
 * a {@link StreamRegistry} elsewhere can hold and cancel it; everything else stays in this package.
 */
public final class StreamSession {
  private final Context context;
  private final String user;
  private final ChatRequest request;
  private final StreamListener listener;
  private final ReplayStore replay;
  private final StreamListener.StreamInfo info;
  private final Promise<StreamEvent> closed = Promise.promise();
  private final StringBuilder fullResponse = new StringBuilder();
  private final long startNanos = System.nanoTime();

  /** Where this stream's events are kept for resume: nowhere until it is registered, before it starts. */
  private ReplayStore.Recording recording = event -> {};
  /** Where events go now; replaced when another client resumes this stream. */
  private EventSink sink;
  /** The transport sink that owns the stream (its disconnect cancels it); read from other threads. */
  private volatile EventSink owner;
  private ProviderStream upstream;
  private boolean paused;
  private String provider;
  private String model;
  private boolean started;
  private boolean finished;
  private long nextIndex;
  private long tokenCount;
  private long firstTokenNanos;
  private long upstreamEventNanos;
  private Usage usage;
  private volatile long cancelNanos;
  private boolean endedByCancel;

  StreamSession(Context context, String user, ChatRequest request, EventSink sink, StreamListener listener,
      ReplayStore replay) {
    this.context = context;
    this.user = user;
    this.request = request;
    this.sink = sink;
    this.owner = sink;
    this.listener = listener;
    this.replay = replay;
    this.info = new StreamListener.StreamInfo(user, request, sink.transport());
    this.provider = request.provider();
    this.model = request.model().orElse("");
  }

  public String user() {
    return user;
  }

  public String sessionId() {
    return request.sessionId();
  }

  Context context() {
    return context;
  }

  boolean ownedBy(EventSink client) {
    return owner == client;
  }

  /** Keeps this stream's events in {@code to}: called once, after registration and before start. */
  void recordTo(ReplayStore.Recording to) {
    this.recording = to;
  }

  /** Completes with the final event once the stream has ended, whatever ended it. */
  public Future<StreamEvent> closed() {
    return closed.future();
  }

  /** Opens the upstream; runs on this session's context. */
  void start(ChatProvider chatProvider) {
    if (finished) {
      return;
    }
    listener.accepted(info);
    model = request.model().orElse(chatProvider.defaultModel());
    upstream = chatProvider.open(request);
    upstream.observer(new Observer());
    upstream.exceptionHandler(failure -> fail(GatewayException.from(failure)));
    upstream.endHandler(end -> fail(truncated()));
    upstream.handler(this::onUpstream);
  }

  /** Cancels from any thread; completes with whether this call is what ended the stream. */
  public Future<Boolean> cancel() {
    cancelNanos = System.nanoTime();
    return onContext(() -> finish(new StreamEvent.Cancelled(sessionId(), Optional.of(usageSoFar()), Instant.now())));
  }

  /** Cancels unless another client has resumed the stream since {@code client} left; from any thread. */
  Future<Boolean> cancelIfOwnedBy(EventSink client) {
    return onContext(() -> owner == client && finish(
        new StreamEvent.Cancelled(sessionId(), Optional.of(usageSoFar()), Instant.now())));
  }

  /**
   * Moves the stream to {@code next}'s client, from any thread: from now on the previous client receives
   * nothing more and its disconnect no longer cancels the stream (one owner, one backpressure source).
   * Completes with the replay for {@code next}, which the caller releases once its acknowledgement went out;
   * with {@code null} if the stream already ended (the caller replays from the store instead).
   */
  Future<java.util.List<StreamEvent>> resume(ResumedSink next, long lastIndex) {
    Promise<java.util.List<StreamEvent>> replayed = Promise.promise();
    context.runOnContext(v -> {
      if (finished) {
        replayed.complete(null);
        return;
      }
      EventSink previous = sink;
      EventSink previousOwner = owner;
      sink = next;
      owner = next.target();
      replay.eventsAfter(user, sessionId(), lastIndex).onComplete(read -> context.runOnContext(w -> {
        if (read.failed() && sink == next) {
          sink = previous;
          owner = previousOwner;
          next.abandon().forEach(previous::send);
        }
        replayed.handle(read);
      }));
      if (paused) {
        resumeUnlessFinished(); // the previous client may never drain now; the new one pauses us if full
      }
    });
    return replayed.future();
  }

  /** Hands {@code next} its replay and lets live events through; from any thread. */
  void release(ResumedSink next, java.util.List<StreamEvent> events) {
    context.runOnContext(v -> next.release(events));
  }

  /** Ends the stream with an error from outside (shutdown), from any thread. */
  Future<Boolean> abort(GatewayException reason) {
    return onContext(() -> fail(reason));
  }

  private Future<Boolean> onContext(java.util.function.BooleanSupplier action) {
    if (Vertx.currentContext() == context) {
      return Future.succeededFuture(action.getAsBoolean());
    }
    Promise<Boolean> result = Promise.promise();
    context.runOnContext(v -> result.complete(action.getAsBoolean()));
    return result.future();
  }

  private void onUpstream(UpstreamEvent event) {
    if (finished) {
      return;
    }
    upstreamEventNanos = System.nanoTime();
    switch (event.kind()) {
      case OPENED -> opened((UpstreamEvent.Opened) event);
      case TEXT -> token(((UpstreamEvent.TextDelta) event).text());
      case REASONING -> reasoning(((UpstreamEvent.ReasoningDelta) event).text());
      case USAGE -> usage = ((UpstreamEvent.UsageReport) event).usage();
      case FINISHED -> done(((UpstreamEvent.Finished) event).reason());
    }
    upstreamEventNanos = 0;
  }

  private void opened(UpstreamEvent.Opened event) {
    provider = event.provider();
    model = event.model();
    ensureStarted();
  }

  private void ensureStarted() {
    if (!started) {
      started = true;
      send(new StreamEvent.Started(sessionId(), provider, model, Instant.now()));
    }
  }

  private void token(String text) {
    ensureStarted();
    if (firstTokenNanos == 0) {
      firstTokenNanos = System.nanoTime();
    }
    fullResponse.append(text);
    tokenCount++;
    send(new StreamEvent.Token(sessionId(), text, nextIndex++, Instant.now()));
  }

  private void reasoning(String text) {
    ensureStarted();
    send(new StreamEvent.Reasoning(sessionId(), text, nextIndex++, Instant.now()));
  }

  private void done(FinishReason reason) {
    ensureStarted();
    long now = System.nanoTime();
    long ttftMs = firstTokenNanos == 0 ? -1 : (firstTokenNanos - startNanos) / 1_000_000;
    finish(new StreamEvent.Done(sessionId(), provider, model, fullResponse.toString(), tokenCount, reason,
        Optional.ofNullable(usage), ttftMs, (now - startNanos) / 1_000_000, request.metadata(), Instant.now()));
  }

  private boolean fail(GatewayException failure) {
    return finish(new StreamEvent.Failed(sessionId(), failure.code(), failure.getMessage(), failure.retryable(),
        Instant.now()));
  }

  private boolean finish(StreamEvent finalEvent) {
    if (finished) {
      return false;
    }
    finished = true;
    endedByCancel = finalEvent.kind() == StreamEvent.Kind.CANCELLED;
    if (upstream != null && finalEvent.kind() != StreamEvent.Kind.DONE) {
      upstream.cancel();
    }
    send(finalEvent);
    listener.closed(info, finalEvent);
    closed.complete(finalEvent);
    return true;
  }

  private void send(StreamEvent event) {
    recording.append(event);
    sink.send(event);
    listener.sent(info, event, upstreamEventNanos == 0 ? 0 : System.nanoTime() - upstreamEventNanos);
    if (!event.isFinal() && sink.writeQueueFull() && upstream != null) {
      upstream.pause();
      paused = true;
      sink.onDrain(this::resumeUnlessFinished);
    }
  }

  private void resumeUnlessFinished() {
    paused = false;
    if (!finished) {
      upstream.resume();
    }
  }

  /** Forwards what the provider stream reports about its attempts and connection to the listener. */
  private final class Observer implements UpstreamObserver {
    @Override
    public void retrying(String provider, ErrorCode code) {
      listener.retried(info, provider, code);
    }

    @Override
    public void fallingBack(String from, String to, ErrorCode code) {
      listener.fellBack(info, from, to, code);
    }

    @Override
    public void connectionClosed() {
      long since = cancelNanos;
      if (since != 0 && endedByCancel) {
        listener.upstreamClosed(info, System.nanoTime() - since);
      }
    }
  }

  private Usage usageSoFar() {
    return usage != null ? usage : new Usage(0, tokenCount);
  }

  private static GatewayException truncated() {
    return new GatewayException(ErrorCode.UPSTREAM_ERROR,
        "upstream closed the stream before its end marker (truncated)", true);
  }
}
