package io.llmgate.transport.websocket;

import io.llmgate.testing.TestGateway;
import io.llmgate.transport.TransportClient;

/** The browser way in: no header, the token in a first {@code auth} frame; /ws's own tests run this way too. */
class WebSocketAuthFrameContractTest extends WebSocketContractTest {
  @Override
  protected TransportClient client(TestGateway gateway) {
    return new WebSocketTransportClient(gateway.vertx(), gateway.port(), WebSocketTransportClient.Auth.FRAME);
  }
}
