package io.llmgate.stream;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How the model should generate, beyond temperature and the token limit: sampling parameters, the output
 * format and reasoning (protocol.md extensions; OpenAI's names in snake case). Each provider maps what it
 * has and refuses or ignores the rest as docs/providers.md's table says. Already validated by the parser.
 */
public record GenerationOptions(
    List<String> stop,
    OptionalDouble topP,
    OptionalLong seed,
    OptionalDouble presencePenalty,
    OptionalDouble frequencyPenalty,
    Optional<String> user,
    Optional<ResponseFormat> responseFormat,
    Optional<Reasoning> reasoning) {

  /** Everything left to the provider's defaults. */
  public static final GenerationOptions DEFAULT = new GenerationOptions(List.of(), OptionalDouble.empty(),
      OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty(), Optional.empty(),
      Optional.empty());

  public GenerationOptions {
    stop = List.copyOf(stop);
  }

  /** The number or null, for wire records whose absent fields the shared mapper leaves out. */
  public static Double orNull(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }

  public static Long orNull(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }
}
