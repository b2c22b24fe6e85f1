package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.ratelimit.RateLimiter;
import io.llmgate.stream.Acknowledged;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.testing.OnContext;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.llmgate.testing.ScriptedProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seams a shared (cluster) store plugs into: a limiter and a registry that answer later, on another
 * thread, must not move a stream off the context of the client that started it.
 */
class StreamSeamsTest {
  private Vertx vertx;
  private Context clientContext;
  private Context storeContext;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    clientContext = vertx.getOrCreateContext();
    storeContext = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** Answers like a remote store: a little later, completed from the store client's own context. */
  private <T> Future<T> later(T answer) {
    Promise<T> reply = Promise.promise();
    vertx.setTimer(5, t -> storeContext.runOnContext(v -> reply.complete(answer)));
    return reply.future();
  }

  @Test
  void streamRunsOnTheCallersContextWhenLimiterAndRegistryAnswerFromElsewhere() throws Exception {
    RateLimiter remoteLimiter = user -> later(true);
    InMemoryStreamRegistry memory = new InMemoryStreamRegistry(8);
    StreamRegistry remoteRegistry = new DelegatingRegistry(memory) {
      @Override
      public Future<Void> register(StreamSession session) {
        return memory.register(session).compose(v -> later(null));
      }
    };
    ScriptedProvider provider = new ScriptedProvider(vertx, "fast", 1, () -> ScriptedProvider.tokens(3));
    StreamService service = new StreamService(vertx, new ProviderRegistry().register(provider), remoteLimiter,
        remoteRegistry, StreamListener.NONE, InMemoryReplayStore.withDefaults(),
        Duration.ZERO);
    ContextRecordingSink sink = new ContextRecordingSink();

    Acknowledged ack = OnContext.onContext(clientContext,
        () -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "fast")), sink));
    sink.finalEvent.get(10, TimeUnit.SECONDS);

    assertThat(ack.sessionId()).isEqualTo("s1");
    assertThat(sink.kinds()).containsExactly(StreamEvent.Kind.STARTED, StreamEvent.Kind.TOKEN,
        StreamEvent.Kind.TOKEN, StreamEvent.Kind.TOKEN, StreamEvent.Kind.DONE);
    assertThat(sink.contexts).allSatisfy(context -> assertThat(context).isSameAs(clientContext));
  }

  @Test
  void aStreamWhoseRegistrationAnswersAfterTheDrainBeganIsRefusedAndNeverStarts() throws Exception {
    InMemoryStreamRegistry memory = new InMemoryStreamRegistry(8);
    Promise<Void> registryAnswers = Promise.promise();
    CompletableFuture<Void> asked = new CompletableFuture<>();
    StreamRegistry slowRegistry = new DelegatingRegistry(memory) {
      @Override
      public Future<Void> register(StreamSession session) {
        asked.complete(null);
        // As the Redis registry: the shared slot first, this node's registry once it is granted.
        return registryAnswers.future().compose(v -> memory.register(session));
      }
    };
    ScriptedProvider provider = new ScriptedProvider(vertx, "fast", 1, () -> ScriptedProvider.tokens(3));
    StreamService service = new StreamService(vertx, new ProviderRegistry().register(provider), user -> later(true),
        slowRegistry, StreamListener.NONE, InMemoryReplayStore.withDefaults(),
        Duration.ZERO);
    ContextRecordingSink sink = new ContextRecordingSink();
    CompletableFuture<Throwable> refusal = new CompletableFuture<>();
    clientContext.runOnContext(v -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "fast")), sink)
        .onComplete(started -> refusal.complete(started.cause())));
    asked.get(10, TimeUnit.SECONDS);

    service.drain(Duration.ofSeconds(5)).await(10, TimeUnit.SECONDS);
    storeContext.runOnContext(v -> registryAnswers.complete());

    assertThat(GatewayException.from(refusal.get(10, TimeUnit.SECONDS)).code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
    assertThat(service.activeStreams()).isZero();
    assertThat(sink.kinds()).as("nothing started after the drain").isEmpty();
  }

  @Test
  void cancelGoesThroughTheRegistry() throws Exception {
    List<String> cancelled = new CopyOnWriteArrayList<>();
    StreamRegistry registry = new DelegatingRegistry(new InMemoryStreamRegistry(8)) {
      @Override
      public Future<Boolean> cancel(String user, String sessionId) {
        cancelled.add(user + "/" + sessionId);
        return later(true);
      }
    };
    StreamService service = new StreamService(vertx, new ProviderRegistry(), user -> later(true),
        registry, StreamListener.NONE, InMemoryReplayStore.withDefaults(),
        Duration.ZERO);

    boolean stopped = OnContext.onContext(clientContext,
        () -> service.cancel("alice", Requests.cancel("elsewhere")));

    assertThat(stopped).isTrue();
    assertThat(cancelled).containsExactly("alice/elsewhere");
  }

  /** Passes everything to {@code inner}; tests override the calls a remote registry would make slow. */
  private static class DelegatingRegistry implements StreamRegistry {
    private final StreamRegistry inner;

    DelegatingRegistry(StreamRegistry inner) {
      this.inner = inner;
    }

    @Override
    public Future<Void> register(StreamSession session) {
      return inner.register(session);
    }

    @Override
    public void remove(StreamSession session) {
      inner.remove(session);
    }

    @Override
    public Future<java.util.Optional<StreamSession>> find(String user, String sessionId) {
      return inner.find(user, sessionId);
    }

    @Override
    public Future<Boolean> cancel(String user, String sessionId) {
      return inner.cancel(user, sessionId);
    }

    @Override
    public List<StreamSession> local(String user, java.util.function.Predicate<StreamSession> filter) {
      return inner.local(user, filter);
    }

    @Override
    public List<StreamSession> all() {
      return inner.all();
    }

    @Override
    public int activeCount() {
      return inner.activeCount();
    }
  }

  /** Records each event and the context it was delivered on. */
  private static final class ContextRecordingSink extends RecordingSink {
    final List<Context> contexts = new CopyOnWriteArrayList<>();

    @Override
    public void send(StreamEvent event) {
      contexts.add(Vertx.currentContext());
      super.send(event);
    }
  }
}
