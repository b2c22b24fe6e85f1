package io.llmgate.provider.local;

import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.Optional;

/**
 * A synchronous, single-stream token generator: the model side of the local provider. Each call to
 * {@link #next()} does one forward pass and may take a millisecond or more, so it runs on a worker
 * thread, never on an event loop. Not thread-safe: one stream calls it from one task at a time.
 */
interface TokenSource {

  /** The next piece of text, or empty when generation has ended. */
  Optional<String> next();

  /** Why generation ended; meaningful once {@link #next()} returned empty. */
  FinishReason finishReason();

  /** Prompt tokens and generated tokens so far. */
  Usage usage();
}
