package io.llmgate.testing;

import io.llmgate.error.ErrorCode;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider named {@code scripted} whose upstream plays the {@link Script} named by the last user
 * message, so a client in any language picks the upstream behaviour with its prompt. A prompt may carry a
 * tag after {@code #} ({@code long#7f3a}) that makes it unique, so a test finds its own generation. It records each
 * generation it opened, a {@link Playback} that tells when each item went out and whether the stream service
 * paused or cancelled it (how a test proves that backpressure, cancel and disconnect reach the upstream).
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
    Generation generation = new Generation(request, script.steps());
    generations.add(generation);
    generation.start();
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

  /** One upstream request: a {@link Playback} of its script that remembers the request it answers. */
  public final class Generation extends Playback {
    private final ChatRequest request;

    Generation(ChatRequest request, List<Script.Step> steps) {
      super(ScriptedUpstream.this.vertx, steps);
      this.request = request;
    }

    public ChatRequest request() {
      return request;
    }

    /** Like a real upstream, it answers with the model the request named. */
    @Override
    protected UpstreamEvent answer(UpstreamEvent event) {
      if (event instanceof UpstreamEvent.Opened opened && request.model().isPresent()) {
        return new UpstreamEvent.Opened(opened.provider(), request.model().get());
      }
      return event;
    }
  }
}
