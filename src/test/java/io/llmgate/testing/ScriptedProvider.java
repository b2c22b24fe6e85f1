package io.llmgate.testing;

import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A provider that plays a fixed script of upstream events, one per {@code intervalMs}, honouring
 * pause/fetch; a {@code null} entry in the script means "fail here". It records every stream it opened so
 * tests can assert cancellation reached the upstream.
 */
public final class ScriptedProvider implements ChatProvider {
  private final Vertx vertx;
  private final String name;
  private final Supplier<List<Object>> script;
  private final long intervalMs;
  public final List<Playback> opened = new CopyOnWriteArrayList<>();

  /** {@code n} text tokens (the provider announces itself first) "t0 ", "t1 " … with usage and a stop: the stream most tests need. */
  public static List<Object> tokens(int n) {
    List<Object> script = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      script.add(new UpstreamEvent.TextDelta("t" + i + " "));
    }
    script.add(new UpstreamEvent.UsageReport(new Usage(3, n)));
    script.add(new UpstreamEvent.Finished(FinishReason.STOP));
    return script;
  }

  public ScriptedProvider(Vertx vertx, String name, long intervalMs, Supplier<List<Object>> script) {
    this.vertx = vertx;
    this.name = name;
    this.intervalMs = intervalMs;
    this.script = script;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String defaultModel() {
    return name + "-model";
  }

  @Override
  public ProviderStream open(ChatRequest request) {
    List<Object> events = new ArrayList<>(script.get());
    if (events.isEmpty() || !(events.get(0) instanceof UpstreamEvent.Opened)) {
      events.add(0, new UpstreamEvent.Opened(name, defaultModel()));
    }
    Playback playback = new Playback(events);
    opened.add(playback);
    vertx.setTimer(Math.max(1, intervalMs), t -> playback.next());
    return playback;
  }

  public final class Playback implements ProviderStream {
    private final List<Object> remaining;
    private Handler<UpstreamEvent> handler;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> endHandler;
    private long demand = Long.MAX_VALUE;
    public volatile boolean cancelled;
    public volatile int pauses;

    Playback(List<Object> remaining) {
      this.remaining = remaining;
    }

    private void next() {
      if (cancelled || demand == 0) {
        return;
      }
      if (remaining.isEmpty()) {
        if (endHandler != null) {
          endHandler.handle(null);
        }
        return;
      }
      Object item = remaining.remove(0);
      if (item instanceof Throwable failure) {
        exceptionHandler.handle(failure);
        return;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle((UpstreamEvent) item);
      vertx.setTimer(Math.max(1, intervalMs), t -> next());
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
      pauses++;
      demand = 0;
      return this;
    }

    @Override
    public ProviderStream resume() {
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public ProviderStream fetch(long amount) {
      boolean wasPaused = demand == 0;
      demand = amount;
      if (wasPaused) {
        vertx.runOnContext(v -> next());
      }
      return this;
    }

    @Override
    public ProviderStream endHandler(Handler<Void> h) {
      endHandler = h;
      return this;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
