package io.llmgate.config;

/** A setting is missing or wrong; thrown only at start-up, so the process refuses to run half-configured. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
