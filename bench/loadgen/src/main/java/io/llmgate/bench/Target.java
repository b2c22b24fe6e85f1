package io.llmgate.bench;

/** A way of streaming: a protocol at an address. */
interface Target {
  String name();

  /** Starts {@code run}, asking the upstream for {@code prompt}; call on an event loop. */
  void start(Run run, String prompt);
}
