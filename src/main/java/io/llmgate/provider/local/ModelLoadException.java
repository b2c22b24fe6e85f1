package io.llmgate.provider.local;

/** A checkpoint or tokenizer that cannot be used: unreadable, truncated, malformed or tampered with. */
final class ModelLoadException extends RuntimeException {
  ModelLoadException(String message) {
    super(message);
  }

  ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
