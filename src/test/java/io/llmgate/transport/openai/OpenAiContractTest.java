package io.llmgate.transport.openai;

import io.llmgate.testing.TestGateway;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;

class OpenAiContractTest extends TransportContract {
  @Override
  protected TransportClient client(TestGateway gateway) {
    return new OpenAiTransportClient(gateway.vertx(), gateway.port());
  }
}
