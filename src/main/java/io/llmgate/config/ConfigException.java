package io.llmgate.config;

/**
 * A setting is missing or wrong; thrown only at start-up, so the process refuses to run half-configured.
 * An {@link IllegalArgumentException}, which is what the settings records' callers have always caught.
 */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
