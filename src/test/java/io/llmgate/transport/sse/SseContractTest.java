package io.llmgate.transport.sse;

import io.llmgate.testing.TestGateway;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import org.junit.jupiter.api.Test;

class SseContractTest extends TransportContract {
  @Override
  protected TransportClient client(TestGateway gateway) {
    return new SseTransportClient(gateway.vertx(), gateway.port());
  }

  @Test
  void protocolFieldsThatCannotBeReadAreRefusedWithTheirError() throws Exception {
    assertProtocolFieldsRefused();
  }
}
