package io.llmgate.testing;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A provider that plays a fixed script of upstream events, one per {@code intervalMs}, as a {@link Playback};
 * a {@link Throwable} entry in the script means "fail here". It records every stream it opened so tests can
 * assert that backpressure and cancellation reached the upstream.
 */
public final class ScriptedProvider implements ChatProvider {
  private final Vertx vertx;
  private final String name;
  private final Supplier<List<Object>> script;
  private final long intervalMs;
  public final List<Playback> opened = new CopyOnWriteArrayList<>();
  private boolean tools;

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

  /** Makes it a provider that takes tools (by default it is one that cannot, like {@code local}). */
  public ScriptedProvider acceptingTools() {
    tools = true;
    return this;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, tools, Capabilities.ALL.responseFormats());
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
    Playback playback = new Playback(vertx,
        events.stream().map(item -> new Script.Step(intervalMs, item)).toList());
    opened.add(playback);
    playback.start();
    return playback;
  }
}
