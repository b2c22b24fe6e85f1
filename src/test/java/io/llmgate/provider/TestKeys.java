package io.llmgate.provider;

/** The fake API key every contract test configures, so a test can prove it never leaks into a message. */
public final class TestKeys {
  public static final String KEY = "sk-test-4f1c9a0b7e2d";

  private TestKeys() {}
}
