package io.llmgate.transport.socketio;

import io.llmgate.testing.TestGateway;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import org.junit.jupiter.api.Test;

/** The original contract's transport in the same suite as the other three. */
class SocketIoContractTest extends TransportContract {
  @Override
  protected TransportClient client(TestGateway gateway) {
    return new SocketIoTransportClient(gateway.vertx(), gateway.port());
  }

  @Test
  void protocolFieldsThatCannotBeReadAreRefusedWithTheirError() throws Exception {
    assertProtocolFieldsRefused();
  }

  @Test
  void cancelAndResumePayloadsThatCannotBeReadAreRefusedWithTheirError() throws Exception {
    assertMalformedCommandsRefused(((SocketIoTransportClient) client)::send);
  }
}
