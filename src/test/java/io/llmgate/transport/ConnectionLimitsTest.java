package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {
  private final ConnectionLimits limits = new ConnectionLimits(2, 3);

  @Test
  void aUserOverItsLimitIsRefusedWithTheSettingNamed() {
    limits.admit("alice");
    limits.admit("alice");
    assertThatThrownBy(() -> limits.admit("alice")).isInstanceOf(GatewayException.class)
        .hasMessage("too many connections for this user: 2 open (limit: 2, setting: limits.connections-per-user)")
        .extracting(e -> ((GatewayException) e).code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
    assertThat(limits.admit("bob").user()).isEqualTo("bob");
  }

  @Test
  void allUsersTogetherAreHeldToTheTotal() {
    limits.admit("alice");
    limits.admit("bob");
    limits.admit("carol");
    assertThatThrownBy(() -> limits.admit("dave"))
        .hasMessage("too many connections: 3 open (limit: 3, setting: limits.max-connections)");
  }

  @Test
  void aClosedSlotIsFreeAgainAndClosingTwiceFreesItOnce() {
    ConnectionLimits.Slot first = limits.admit("alice");
    limits.admit("alice");
    first.close();
    first.close();
    limits.admit("alice");
    assertThatThrownBy(() -> limits.admit("alice")).hasMessageContaining("2 open");
    limits.admit("bob");
    assertThatThrownBy(() -> limits.admit("bob")).hasMessageContaining("3 open (limit: 3");
  }
}
