package io.llmgate.stream;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Whether the model may, must not, or must call a tool, or must call one named function. */
public record ToolChoice(Mode mode, Optional<String> function) {
  public enum Mode {
    AUTO,
    NONE,
    REQUIRED,
    FUNCTION;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    if ((mode == Mode.FUNCTION) != function.isPresent()) {
      throw new IllegalArgumentException("function: expected exactly when mode is FUNCTION");
    }
  }

  public static ToolChoice of(Mode mode) {
    return new ToolChoice(mode, Optional.empty());
  }

  public static ToolChoice function(String name) {
    return new ToolChoice(Mode.FUNCTION, Optional.of(name));
  }
}
