package io.llmgate.provider.openai;

/**
 * The whole provider contract again with {@code providers.http2} on, against the fake upstream's h2c: the
 * same events, errors and timeouts, and a cancel that resets the stream (RST_STREAM) at once instead of
 * closing a connection.
 */
class OpenAiHttp2ContractTest extends OpenAiContractTest {
  @Override
  protected boolean http2() {
    return true;
  }
}
