package io.llmgate.transport.websocket;

import io.llmgate.testing.TestGateway;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import org.junit.jupiter.api.Test;

class WebSocketContractTest extends TransportContract {
  @Override
  protected TransportClient client(TestGateway gateway) {
    return new WebSocketTransportClient(gateway.vertx(), gateway.port(), WebSocketTransportClient.Auth.HEADER);
  }

  @Test
  void protocolFieldsThatCannotBeReadAreRefusedWithTheirError() throws Exception {
    assertProtocolFieldsRefused();
  }

  @Test
  void cancelAndResumePayloadsThatCannotBeReadAreRefusedWithTheirError() throws Exception {
    assertMalformedCommandsRefused(((WebSocketTransportClient) client)::send);
  }
}
