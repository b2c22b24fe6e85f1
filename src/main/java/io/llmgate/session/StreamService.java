package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.ratelimit.RateLimiter;
import io.llmgate.stream.Acknowledged;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What every transport calls: start a stream, cancel one, forget a client that left, drain on shutdown.
 * Transports turn its answers into their own wire form (an event, an HTTP status …); a refusal is a
 * failed future carrying a {@link GatewayException}.
 */
public final class StreamService {
  private final Vertx vertx;
  private final ProviderRegistry providers;
  private final int maxFullResponseChars;
  private final RateLimiter rateLimiter;
  private final StreamRegistry sessions;
  private final StreamListener listener;
  private final ReplayStore replay;
  private final Duration disconnectGrace;
  private volatile boolean shuttingDown;

  /** With an in-memory replay store of default bounds (tests). */
  public StreamService(Vertx vertx, ProviderRegistry providers, RateLimiter rateLimiter,
int maxStreamsPerUser, StreamListener listener) {
    this(vertx, providers, rateLimiter, maxStreamsPerUser, listener, InMemoryReplayStore.withDefaults());
  }

  /** With this node's in-memory registry and no disconnect grace: a disconnect cancels (tests). */
  public StreamService(Vertx vertx, ProviderRegistry providers, RateLimiter rateLimiter,
int maxStreamsPerUser, StreamListener listener, ReplayStore replay) {
    this(vertx, providers, rateLimiter, new InMemoryStreamRegistry(maxStreamsPerUser), listener, replay,
        Duration.ZERO);
  }

  /**
   * {@code disconnectGrace} is how long a stream whose client disconnected runs on, waiting for a resume
   * (a request may ask for less); zero cancels it at once.
   */
  public StreamService(Vertx vertx, ProviderRegistry providers, RateLimiter rateLimiter,
StreamRegistry sessions, StreamListener listener, ReplayStore replay,
      Duration disconnectGrace) {
    this(vertx, providers, rateLimiter, sessions, listener, replay, disconnectGrace, Integer.MAX_VALUE);
  }

  /** {@code maxFullResponseChars}: how much of its text a stream's {@code done.fullResponse} carries at most. */
  public StreamService(Vertx vertx, ProviderRegistry providers, RateLimiter rateLimiter,
StreamRegistry sessions, StreamListener listener, ReplayStore replay,
      Duration disconnectGrace, int maxFullResponseChars) {
    this.maxFullResponseChars = maxFullResponseChars;
    this.vertx = vertx;
    this.disconnectGrace = disconnectGrace;
    this.replay = replay;
    this.providers = providers;
    this.rateLimiter = rateLimiter;
    this.sessions = sessions;
    this.listener = listener;
  }

  /**
   * Starts a stream whose events go to {@code sink}. Call on the sink's context. The returned future completes
   * before the stream's first event is sent, so a transport can put its acknowledgement first.
   *
   * <p>{@code request} is the client's message as its transport read it, or a failed future saying why it
   * could not be read: either way the message counts against the user's budget, and over the limit or while
   * draining that is the answer, as for any message.
   */
  public Future<Acknowledged> start(String user, Future<StartRequest> request, EventSink sink) {
    // Captured now: the limiter and the registry may answer on another thread (a shared store's client).
    Context here = currentContext();
    return request.transform(read -> shuttingDown || read.failed()
            ? refusedButCounted(user, shuttingDown ? shuttingDown() : read.cause())
            : start(user, read.result(), sink, here))
        .onFailure(refusal -> listener.refused(sink.transport(), GatewayException.from(refusal).code()));
  }

  /** Still a message of the user's budget: over it the answer is {@code rate_limited}, whatever else is wrong. */
  private <T> Future<T> refusedButCounted(String user, Throwable refusal) {
    return admit(user).compose(v -> Future.failedFuture(refusal));
  }

  private Future<Acknowledged> start(String user, StartRequest start, EventSink sink, Context here) {
    ChatRequest request = start.chat();
    long graceMs = Math.min(disconnectGrace.toMillis(),
        start.resumeGrace().map(Duration::toMillis).orElse(Long.MAX_VALUE));
    ChatProvider provider;
    try {
      provider = providers.resolve(request);
    } catch (RuntimeException unknown) {
      return refusedButCounted(user, unknown);
    }
    StreamSession session = new StreamSession(here, user, request, sink, listener, replay, graceMs,
        maxFullResponseChars);
    // The message rate and the stream cap in one step: with a shared store, one round trip before the upstream.
    return sessions.admit(session, rateLimiter).compose(registered -> onContext(here, () -> {
      if (shuttingDown) {
        // The drain began while a shared registry was answering: it did not see this stream, so it
        // must not start.
        sessions.remove(session);
        throw shuttingDown();
      }
      session.recordTo(replay.begin(user, request.sessionId()));
      session.closed().onComplete(ended -> sessions.remove(session));
      // The next turn of the loop, so the transport sends its acknowledgement before llm:stream:start.
      here.runOnContext(next -> session.start(provider));
      return new Acknowledged(request.sessionId(), provider.name(), Instant.now());
    }));
  }

  /**
   * Cancels the user's stream {@code request.sessionId()}; completes with whether a running stream was
   * stopped. Counted against the rate limit (a request that could not be read too) but never refused by it: a
   * cancel only ever lowers the load, and refusing it would keep a user paying for a stream they asked to stop.
   */
  public Future<Boolean> cancel(String user, Future<CancelRequest> request) {
    rateLimiter.tryAcquire(user);
    return request.compose(cancel -> sessions.cancel(user, cancel.sessionId()));
  }

  /**
   * Resumes the user's stream {@code sessionId} on {@code sink} (protocol.md {@code llm:stream:resume}):
   * after the returned future completes — so the transport can acknowledge first — {@code sink} receives
   * the kept events after {@code lastIndex}, then, if the stream still runs, its live events. A running
   * stream moves to {@code sink}: its previous client receives nothing more (see {@link StreamSession#resume}).
   * Call on the sink's context. Fails with {@code invalid_request} (the {@code request} a transport could not
   * read, once counted like any message), {@code not_found} or {@code rate_limited}.
   */
  public Future<Resumed> resume(String user, Future<ResumeRequest> request, EventSink sink) {
    Context here = currentContext();
    long requestedNanos = System.nanoTime();
    return admit(user).compose(v -> request).compose(resume -> sessions.find(user, resume.sessionId())
        .compose(running -> running
            .map(session -> resumeRunning(session, resume, sink, here, requestedNanos))
            .orElseGet(() -> resumeElsewhere(user, resume, sink, here))))
        .onFailure(refusal -> listener.refused(sink.transport(), GatewayException.from(refusal).code()));
  }

  private Future<Resumed> resumeRunning(StreamSession session, ResumeRequest request, EventSink sink, Context here,
      long requestedNanos) {
    ResumedSink next = new ResumedSink(sink, here, session.context(), request.lastIndex(), requestedNanos);
    Promise<Resumed> resumed = Promise.promise();
    session.resume(next, request.lastIndex()).onComplete(attached -> here.runOnContext(v -> {
      if (attached.failed()) {
        resumed.fail(attached.cause());
      } else if (attached.result() == null) {
        resumeElsewhere(session.user(), request, sink, here).onComplete(resumed);
      } else {
        resumed.complete(new Resumed(request.sessionId(), request.lastIndex(), attached.result().size(), true,
            Instant.now()));
        here.runOnContext(w -> session.release(next, attached.result()));
      }
    }));
    return resumed.future();
  }

  /** Not running here: ended, or (cluster mode) running on another node. */
  private Future<Resumed> resumeElsewhere(String user, ResumeRequest request, EventSink sink, Context here) {
    return replay.resumeElsewhere(user, request.sessionId(), request.lastIndex(), sink, here);
  }

  /**
   * The client behind {@code sink} is gone but may come back and resume: the streams it owns run on for the
   * disconnect grace, then are cancelled (reason {@code disconnected}) unless resumed.
   */
  public void disconnected(String user, EventSink sink) {
    replay.forget(sink);
    sessions.local(user, session -> session.ownedBy(sink)).forEach(session -> session.disconnected(sink));
  }

  /**
   * The client behind {@code sink} is gone and cannot resume (the OpenAI API has no resume): cancel the
   * streams it owns at once, upstream included.
   */
  public void abandoned(String user, EventSink sink) {
    replay.forget(sink);
    sessions.local(user, session -> session.ownedBy(sink)).forEach(session -> session.cancelIfOwnedBy(sink));
  }

  /** Counts one client message against the user's budget; fails with {@code rate_limited} when over. */
  public Future<Void> admit(String user) {
    return rateLimiter.tryAcquire(user).compose(admitted -> admitted
        ? Future.succeededFuture()
        : Future.failedFuture(RateLimiter.overLimit()));
  }

  /**
   * Refuses new streams from now on, lets running ones finish for up to {@code grace}, then ends the
   * rest with {@code shutting_down}. Completes when no stream is left.
   */
  public Future<Void> drain(Duration grace) {
    shuttingDown = true;
    List<Future<?>> endings = sessions.all().stream().<Future<?>>map(StreamSession::closed).toList();
    Promise<Void> drained = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> sessions.all().forEach(session ->
        session.abort(new GatewayException(ErrorCode.SHUTTING_DOWN, "server shut down before the stream ended"))));
    Future.join(endings).onComplete(all -> {
      vertx.cancelTimer(timer);
      drained.complete();
    });
    return drained.future();
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  public int activeStreams() {
    return sessions.activeCount();
  }

  public ProviderRegistry providers() {
    return providers;
  }

  /** The providers as the transports see them. */
  public ProviderCatalog catalog() {
    return ProviderCatalog.of(providers);
  }

  private static GatewayException shuttingDown() {
    return new GatewayException(ErrorCode.SHUTTING_DOWN, "server is shutting down (expected: retry on another node)");
  }

  /** Runs {@code step} on {@code here} (now if already there) and completes with its result there. */
  private static <T> Future<T> onContext(Context here, java.util.function.Supplier<T> step) {
    if (Vertx.currentContext() == here) {
      return Future.succeededFuture(step.get());
    }
    Promise<T> done = Promise.promise();
    here.runOnContext(v -> {
      try {
        done.complete(step.get());
      } catch (RuntimeException failure) {
        done.fail(failure);
      }
    });
    return done.future();
  }

  private Context currentContext() {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("StreamService.start must run on a Vert.x context");
    }
    return context;
  }
}
