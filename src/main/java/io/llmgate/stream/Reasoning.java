package io.llmgate.stream;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The caller asks the model to think before it answers: with an OpenAI-style {@code effort}, a token
 * {@code budget}, or both. Providers that take a budget (Gemini) derive one from the effort when none is given.
 */
public record Reasoning(Optional<Effort> effort, OptionalInt budgetTokens) {

  /** OpenAI's {@code reasoning_effort} values; {@code none} asks for no reasoning at all. */
  public enum Effort {
    NONE(0),
    MINIMAL(512),
    LOW(1024),
    MEDIUM(8192),
    HIGH(24576);

    private final int budget;

    Effort(int budget) {
      this.budget = budget;
    }

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The thinking budget used for this effort by providers that only take a budget (docs/providers.md). */
    public int budgetTokens() {
      return budget;
    }
  }

  /** The budget to ask a budget-taking provider for. */
  public int budgetOrDefault() {
    return budgetTokens.orElse(effort.orElse(Effort.MEDIUM).budgetTokens());
  }

  /** Whether the caller asked for no reasoning. */
  public boolean disabled() {
    return budgetOrDefault() == 0;
  }
}
