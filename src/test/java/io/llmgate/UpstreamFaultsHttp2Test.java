package io.llmgate;

/**
 * Every upstream fault again with {@code providers.http2} on, against the fake upstream's h2c: the same one
 * final event per client, and nothing left running, where what ends an exchange early is its stream's reset
 * (RST_STREAM) rather than a connection's close.
 */
class UpstreamFaultsHttp2Test extends UpstreamFaultsTest {
  @Override
  protected boolean http2() {
    return true;
  }
}
