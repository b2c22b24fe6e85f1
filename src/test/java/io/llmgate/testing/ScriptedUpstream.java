package io.llmgate.testing;

import io.llmgate.error.ErrorCode;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A provider named {@code scripted} whose upstream plays the {@link Script} named by the last user
 * message, so a client in any language picks the upstream behaviour with its prompt. A prompt may carry a
 * tag after {@code #} ({@code long#7f3a}) that makes it unique, so a test finds its own generation. It records each
 * generation it opened: when each item went out, and whether the stream service cancelled it (how a test
 * proves that cancel and disconnect reach the upstream). Honours pause/resume like a real upstream read.
 */
public final class ScriptedUpstream implements ChatProvider {
  public static final String NAME = "scripted";

  private final Vertx vertx;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<Generation> generations = new CopyOnWriteArrayList<>();

  public ScriptedUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  public ScriptedUpstream script(String prompt, Script script) {
    scripts.put(prompt, script);
    return this;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String defaultModel() {
    return "script-1";
  }

  @Override
  public List<String> models() {
    return List.of("script-1", "script-2");
  }

  @Override
  public ProviderStream open(ChatRequest request) {
    String prompt = request.lastUserText();
    String name = prompt.contains("#") ? prompt.substring(0, prompt.indexOf('#')) : prompt;
    Script script = scripts.getOrDefault(name,
        Script.upstream().fail(ErrorCode.INTERNAL, "no script named \"" + name + "\""));
    Generation generation = new Generation(request, new ArrayList<>(script.steps()));
    generations.add(generation);
    generation.scheduleNext();
    return generation;
  }

  /** Waits until generation number {@code index} (from 0) for {@code prompt} was opened. */
  public Generation awaitGeneration(String prompt, int index, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Generation> matching = generations.stream().filter(g -> g.request.lastUserText().equals(prompt)).toList();
      if (matching.size() > index) {
        return matching.get(index);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no generation #" + index + " for prompt \"" + prompt + "\" within " + timeout);
  }

  public List<Generation> generations(String prompt) {
    return generations.stream().filter(g -> g.request.lastUserText().equals(prompt)).toList();
  }

  /** One upstream request: the items it sent (with {@code System.nanoTime()} stamps) and its fate. */
  public final class Generation implements ProviderStream {
    private final ChatRequest request;
    private final List<Script.Step> remaining;
    private final List<Long> sentAtNanos = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    private final CompletableFuture<Void> pausedOnce = new CompletableFuture<>();
    private Handler<UpstreamEvent> handler;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> endHandler;
    private boolean paused;
    private boolean scheduled;
    private boolean ended;

    Generation(ChatRequest request, List<Script.Step> remaining) {
      this.request = request;
      this.remaining = remaining;
    }

    public ChatRequest request() {
      return request;
    }

    /** When each script item went out to the stream service, in order. */
    public List<Long> sentAtNanos() {
      return List.copyOf(sentAtNanos);
    }

    public boolean isCancelled() {
      return cancelled.isDone();
    }

    public void awaitCancelled(Duration timeout) throws Exception {
      cancelled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the stream service paused this upstream read (backpressure from a slow client). */
    public void awaitPaused(Duration timeout) throws Exception {
      pausedOnce.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduleNext() {
      if (scheduled || paused || ended || cancelled.isDone()) {
        return;
      }
      scheduled = true;
      long delay = remaining.isEmpty() ? 1 : Math.max(1, remaining.get(0).delayMs());
      vertx.setTimer(delay, t -> {
        scheduled = false;
        next();
      });
    }

    private void next() {
      if (paused || ended || cancelled.isDone()) {
        return;
      }
      if (remaining.isEmpty()) {
        ended = true;
        endHandler.handle(null);
        return;
      }
      Object item = remaining.remove(0).item();
      sentAtNanos.add(System.nanoTime());
      if (item instanceof Throwable failure) {
        ended = true;
        exceptionHandler.handle(failure);
        return;
      }
      handler.handle(asAnswered((UpstreamEvent) item));
      scheduleNext();
    }

    /** Like a real upstream, it answers with the model the request named. */
    private UpstreamEvent asAnswered(UpstreamEvent event) {
      if (event instanceof UpstreamEvent.Opened opened && request.model().isPresent()) {
        return new UpstreamEvent.Opened(opened.provider(), request.model().get());
      }
      return event;
    }

    @Override
    public ProviderStream exceptionHandler(Handler<Throwable> h) {
      exceptionHandler = h;
      return this;
    }

    @Override
    public ProviderStream handler(Handler<UpstreamEvent> h) {
      handler = h;
      return this;
    }

    @Override
    public ProviderStream pause() {
      paused = true;
      pausedOnce.complete(null);
      return this;
    }

    @Override
    public ProviderStream resume() {
      paused = false;
      scheduleNext();
      return this;
    }

    @Override
    public ProviderStream fetch(long amount) {
      return resume();
    }

    @Override
    public ProviderStream endHandler(Handler<Void> h) {
      endHandler = h;
      return this;
    }

    @Override
    public void cancel() {
      cancelled.complete(null);
    }
  }
}
