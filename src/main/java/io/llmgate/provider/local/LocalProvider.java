package io.llmgate.provider.local;

import io.llmgate.config.LocalModelConfig;
import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderStream;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code local}: a tiny Llama-architecture model (0.9M parameters, trained on the King James Bible) run
 * in-process, so llmgate streams real generated tokens with no key and no network. It is a demo that
 * continues the last user message in scripture style, not an assistant. Any llama2.c checkpoint and
 * tokenizer can replace it (config {@code local.checkpoint}, {@code local.tokenizer}).
 */
public final class LocalProvider implements ChatProvider {
  public static final String NAME = "local";
  static final String BUNDLED_MODEL = "kjv-llama-0.9m";

  private final Llama2Engine engine;
  private final String model;
  private final LocalModelConfig config;

  private LocalProvider(Llama2Engine engine, String model, LocalModelConfig config) {
    this.engine = engine;
    this.model = model;
    this.config = config;
  }

  /** Reads and verifies the model: blocking, so call it off the event loop (at start-up). */
  public static LocalProvider load(LocalModelConfig config) {
    if (config.checkpoint().isPresent()) {
      Path checkpoint = Path.of(config.checkpoint().get());
      Llama2Engine engine = Llama2Engine.fromFiles(checkpoint, Path.of(config.tokenizer().orElseThrow()));
      return new LocalProvider(engine, checkpoint.getFileName().toString(), config);
    }
    return new LocalProvider(Llama2Engine.bundled(), BUNDLED_MODEL, config);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String defaultModel() {
    return model;
  }

  /** Text in, text out: the model reads no images and cannot be held to a JSON format. */
  @Override
  public Capabilities capabilities() {
    return Capabilities.TEXT_ONLY;
  }

  /** Honours temperature, maxTokens, topP and seed; the other options have no meaning here (providers.md). */
  @Override
  public ProviderStream open(ChatRequest request) {
    int maxTokens = request.maxTokens().orElse(config.maxTokens());
    Sampler sampler = sampler(request);
    return new LocalStream(Vertx.currentContext(), config.tokenDelay(), NAME, model,
        () -> engine.start(request.lastUserText(), maxTokens, sampler)).begin();
  }

  private Sampler sampler(ChatRequest request) {
    double temperature = request.temperature().orElse(config.temperature());
    double topP = request.options().topP().orElse(config.topP());
    // A nucleus of probability 0 holds just the likeliest token, as temperature 0 does.
    return temperature == 0 || topP == 0
        ? Sampler.greedy()
        : new Sampler(temperature, topP, request.options().seed().orElse(ThreadLocalRandom.current().nextLong()));
  }

}
