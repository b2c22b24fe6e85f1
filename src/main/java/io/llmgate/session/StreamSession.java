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
  /** {@code done.fullResponse}, at most {@code maxFullResponseChars}; past it nothing more is kept. */
  private final StringBuilder fullResponse = new StringBuilder();
  private final int maxFullResponseChars;
  private boolean fullResponseTruncated;
  private final ToolCallAssembler toolCalls = new ToolCallAssembler();
  private final long startNanos = System.nanoTime();

  /** How long the stream runs on without a client after its client disconnected; 0 = cancel at once. */
  private final long disconnectGraceMs;

  /** Where this stream's events are kept for resume: nowhere until it is registered, before it starts. */
  private ReplayStore.Recording recording = NOT_RECORDED;
  /** Where events go now; replaced when another client resumes this stream, or when its client left. */
  private EventSink sink;
  /**
   * The transport sink that owns the stream (its disconnect detaches or cancels it); {@code null} while
   * detached, waiting for a resume. Read from other threads.
   */
  private volatile EventSink owner;
  /** The timer that cancels a detached stream when its grace runs out; -1 when none is armed. */
  private long graceTimer = -1;
  private long detachedNanos;
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
      ReplayStore replay, long disconnectGraceMs, int maxFullResponseChars) {
    this.context = context;
    this.maxFullResponseChars = maxFullResponseChars;
    this.disconnectGraceMs = disconnectGraceMs;
    this.user = user;
    this.request = request;
    this.sink = sink;
    this.owner = sink;
    this.replay = replay;
    this.info = new StreamListener.StreamInfo(user, request, sink.transport());
    this.listener = listener.forStream(info);
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
    return onContext(() -> finish(cancelled(StreamEvent.CancelReason.CLIENT)));
  }

  /**
   * Cancels (reason {@code disconnected}) unless another client has resumed the stream since {@code client}
   * left: for a client that can never resume; from any thread.
   */
  Future<Boolean> cancelIfOwnedBy(EventSink client) {
    return onContext(() -> owner == client && disconnect());
  }

  /**
   * {@code client} is gone, from any thread. Unless another client resumed the stream since, it runs on
   * with no sink for the grace period, its events kept only in the replay log (whose bound pauses the
   * upstream: see {@link Detached}); a resume takes it over; if none comes in time it is cancelled with
   * reason {@code disconnected}, upstream included. With no grace it is cancelled at once.
   */
  void disconnected(EventSink client) {
    onContext(() -> {
      if (owner != client || finished) {
        return false;
      }
      if (disconnectGraceMs == 0) {
        return disconnect();
      }
      detach();
      graceTimer = context.owner().setTimer(disconnectGraceMs, t -> graceExpired());
      return true;
    });
  }

  /** No client here any more: events go only to the replay log. */
  private void detach() {
    owner = null;
    sink = new Detached(sink.transport());
    detachedNanos = System.nanoTime();
    listener.detached(info);
    if (paused) {
      resumeUnlessFinished(); // the gone client will never drain; a full log pauses us again
    }
  }

  /**
   * A client on another node follows this stream through the shared replay log, from any thread. The first
   * time, the stream is detached from its client here as a resume here would move it; every time, the
   * disconnect grace starts again, so the stream runs on while the follower keeps saying it is there and is
   * cancelled (reason {@code disconnected}) a grace after it stopped. Without a grace the stream keeps its
   * client here: it is cancelled when that client leaves, as configured.
   */
  public void followedElsewhere(boolean first) {
    onContext(() -> {
      if (finished || disconnectGraceMs == 0 || (owner != null && !first)) {
        return false;
      }
      if (owner != null) {
        detach();
      }
      cancelGraceTimer();
      graceTimer = context.owner().setTimer(disconnectGraceMs, t -> graceExpired());
      return true;
    });
  }

  private void graceExpired() {
    graceTimer = -1;
    if (owner == null && !finished) {
      listener.expired(info, System.nanoTime() - detachedNanos);
      disconnect();
    }
  }

  private boolean disconnect() {
    cancelNanos = System.nanoTime();
    return finish(cancelled(StreamEvent.CancelReason.DISCONNECTED));
  }

  private StreamEvent.Cancelled cancelled(StreamEvent.CancelReason reason) {
    return new StreamEvent.Cancelled(sessionId(), Optional.of(usageSoFar()), reason, Instant.now());
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
          if (owner == null && graceTimer == -1) {
            graceExpired(); // the grace ran out while this resume was being read
          }
        } else if (read.succeeded() && previousOwner == null) {
          next.tookOverDetached();
          cancelGraceTimer();
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
    context.runOnContext(v -> {
      next.release(events);
      listener.resumed(info, next.wasDetached(), System.nanoTime() - next.requestedNanos());
    });
  }

  private void cancelGraceTimer() {
    if (graceTimer != -1) {
      context.owner().cancelTimer(graceTimer);
      graceTimer = -1;
    }
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
      case TOOL_CALL -> toolCall((UpstreamEvent.ToolCallDelta) event);
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
    noteFirstOutput();
    keepInFullResponse(text);
    tokenCount++;
    send(new StreamEvent.Token(sessionId(), text, nextIndex++, Instant.now()));
  }

  /** Every token still streams and is counted; only what done.fullResponse carries is capped. */
  private void keepInFullResponse(String text) {
    if (fullResponseTruncated) {
      return;
    }
    int room = maxFullResponseChars - fullResponse.length();
    if (text.length() <= room) {
      fullResponse.append(text);
      return;
    }
    int cut = room > 0 && Character.isHighSurrogate(text.charAt(room - 1)) ? room - 1 : room; // whole characters
    fullResponse.append(text, 0, cut);
    fullResponseTruncated = true;
  }

  private void reasoning(String text) {
    ensureStarted();
    send(new StreamEvent.Reasoning(sessionId(), text, nextIndex++, Instant.now()));
  }

  /** A tool call's fragment as the client sees it; a provider's broken numbering ends the stream. */
  private void toolCall(UpstreamEvent.ToolCallDelta delta) {
    ensureStarted();
    noteFirstOutput();
    Optional<ToolCallAssembler.Fragment> fragment;
    try {
      fragment = toolCalls.add(delta, provider);
    } catch (GatewayException malformed) {
      fail(malformed);
      return;
    }
    fragment.ifPresent(f -> send(new StreamEvent.ToolCallDelta(sessionId(), nextIndex++, f.callIndex(), f.id(),
        f.name(), f.argumentsDelta(), Instant.now())));
  }

  /** Time to first token counts the first output a client can use: text or a tool call. */
  private void noteFirstOutput() {
    if (firstTokenNanos == 0) {
      firstTokenNanos = System.nanoTime();
    }
  }

  private void done(FinishReason reason) {
    ensureStarted();
    long now = System.nanoTime();
    long ttftMs = firstTokenNanos == 0 ? -1 : (firstTokenNanos - startNanos) / 1_000_000;
    finish(new StreamEvent.Done(sessionId(), provider, model, fullResponse.toString(), fullResponseTruncated, toolCalls.calls(),
        tokenCount, reason, Optional.ofNullable(usage), ttftMs, (now - startNanos) / 1_000_000, request.metadata(), Instant.now()));
  }

  private boolean fail(GatewayException failure) {
    Optional<String> partial = tokenCount == 0 ? Optional.empty() : Optional.of(fullResponse.toString());
    return finish(new StreamEvent.Failed(sessionId(), failure.code(), failure.getMessage(), failure.retryable(),
        partial, Instant.now()));
  }

  private boolean finish(StreamEvent finalEvent) {
    if (finished) {
      return false;
    }
    finished = true;
    cancelGraceTimer();
    endedByCancel = finalEvent.kind() == StreamEvent.Kind.CANCELLED;
    if (upstream != null && finalEvent.kind() != StreamEvent.Kind.DONE) {
      upstream.cancel();
    }
    recording.append(finalEvent);
    // The client learns that its stream ended only once a resume on any node would learn it too: the shared
    // log's writes are batched, so without the wait a resume elsewhere right after done found the stream live.
    Future<Void> kept = recording.kept();
    if (kept.isComplete()) {
      close(finalEvent);
    } else {
      kept.onComplete(written -> context.runOnContext(v -> close(finalEvent)));
    }
    return true;
  }

  private void close(StreamEvent finalEvent) {
    deliver(finalEvent);
    listener.closed(info, finalEvent);
    closed.complete(finalEvent);
  }

  private void send(StreamEvent event) {
    recording.append(event);
    deliver(event);
  }

  private void deliver(StreamEvent event) {
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

  /**
   * Where events go while no client is attached: nowhere but the replay log (which {@link #send} already
   * fed). Its queue is "full" when the log is, so the upstream read pauses rather than dropping events a
   * resumer will ask for; a resume releases the pause ({@link #resume}).
   */
  private final class Detached implements EventSink {
    private final String transport;

    Detached(String transport) {
      this.transport = transport;
    }

    @Override
    public String transport() {
      return transport;
    }

    @Override
    public void send(StreamEvent event) {
      // kept in the replay log only
    }

    @Override
    public boolean writeQueueFull() {
      return recording.full();
    }

    @Override
    public void onDrain(Runnable callback) {
      // nothing drains a log; the resumer that takes the stream over resumes the upstream
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

  /** Before registration nothing is kept, and nothing is ever full. */
  private static final ReplayStore.Recording NOT_RECORDED = new ReplayStore.Recording() {
    @Override
    public void append(StreamEvent event) {
      // not registered yet
    }

    @Override
    public boolean full() {
      return false;
    }
  };

  private static GatewayException truncated() {
    return new GatewayException(ErrorCode.UPSTREAM_TRUNCATED,
        "upstream closed the stream before its end marker (truncated)", true);
  }
}
