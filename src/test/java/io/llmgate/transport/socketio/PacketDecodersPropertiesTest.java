package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.Fuzz;
import io.llmgate.testing.Gen;
import org.junit.jupiter.api.Test;

/**
 * The Engine.IO and Socket.IO decoders on hostile text: random strings, mutated valid packets, truncation,
 * huge attachment counts, long namespaces, ack ids at the integer limits, deep JSON nesting. Each input
 * decodes or is refused with {@link MalformedPacketException} (which closes the connection with "parse
 * error"); nothing else may escape. Fixed seeds; {@code -Dfuzz.tries=100000} runs longer.
 */
class PacketDecodersPropertiesTest {
  private static final String[] VALID = {
    "0", "0{\"token\":\"abc\"}", "0/admin,{\"token\":\"abc\"}", "1", "1/admin,", "2[\"llm:chat:stream\",{\"a\":1}]",
    "212[\"llm:stream:cancel\",{\"sessionId\":\"s\"}]", "2/admin,7[\"e\",null,true,1.5]", "31[\"ok\"]",
    "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]", "5210-/x,3[{\"_placeholder\":true,\"num\":9}]",
    "61-0[{\"_placeholder\":true,\"num\":0}]", "4{\"message\":\"no\"}",
  };

  @Test
  void socketIoDecodeOnlyEverRefusesAsMalformed() {
    Fuzz.forAll(hostilePackets(), PacketDecodersPropertiesTest::socketIoDecodesOrRefuses);
  }

  @Test
  void engineIoDecodeOnlyEverRefusesAsMalformed() {
    Fuzz.forAll(hostilePackets(), PacketDecodersPropertiesTest::engineIoDecodesOrRefuses);
  }

  @Test
  void pollingPayloadDecodeOnlyEverRefusesAsMalformed() {
    Fuzz.forAll(hostilePackets().list(0, 5).map(records -> String.join("\u001e", records)),
        PacketDecodersPropertiesTest::pollingPayloadDecodesOrRefuses);
  }

  private static void socketIoDecodesOrRefuses(String packet) {
    try {
      SocketIoPacket decoded = SocketIoPacketCodec.decode(packet);
      assertThat(decoded.attachments()).isBetween(0, SocketIoPacketCodec.MAX_ATTACHMENTS);
    } catch (MalformedPacketException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private static void engineIoDecodesOrRefuses(String record) {
    try {
      EnginePacket.decodeText(record);
      EnginePacket.decodePolling(record);
    } catch (MalformedPacketException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private static void pollingPayloadDecodesOrRefuses(String body) {
    try {
      assertThat(PollingPayload.decode(body)).isNotNull();
    } catch (MalformedPacketException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private static Gen<String> hostilePackets() {
    return Gen.oneOf(
        Gen.strings(0, 200),
        Gen.strings(' ', '~', 0, 200),
        mutated(),
        truncated(),
        hugeAttachmentCounts(),
        Gen.strings('a', 'z', 1, 5000).map(name -> "2/" + name + ",[\"e\"]"),
        Gen.anyLong().map(id -> "2" + id + "[\"e\"]"),
        Gen.of(Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 999_999_999_999_999L)
            .map(id -> "3" + id + "[\"ok\"]"),
        Gen.ints(1, 5000).map(depth -> "2[\"e\"," + "[".repeat(depth) + "]".repeat(depth) + "]"),
        Gen.ints(1, 5000).map(depth -> "0" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
  }

  /** A valid packet with one character replaced, inserted or deleted. */
  private static Gen<String> mutated() {
    Gen<String> valid = Gen.of(VALID);
    Gen<Integer> at = Gen.ints(0, 1000);
    Gen<Integer> how = Gen.ints(0, 2);
    return random -> {
      String packet = valid.next(random);
      int i = at.next(random) % (packet.length() + 1);
      char c = Gen.anyChar().next(random);
      return switch (how.next(random)) {
        case 0 -> packet.substring(0, i) + c + packet.substring(i);
        case 1 -> i < packet.length() ? packet.substring(0, i) + c + packet.substring(i + 1) : packet + c;
        default -> i < packet.length() ? packet.substring(0, i) + packet.substring(i + 1) : packet;
      };
    };
  }

  private static Gen<String> truncated() {
    Gen<String> valid = Gen.of(VALID);
    Gen<Integer> at = Gen.ints(0, 1000);
    return random -> {
      String packet = valid.next(random);
      return packet.substring(0, at.next(random) % (packet.length() + 1));
    };
  }

  private static Gen<String> hugeAttachmentCounts() {
    Gen<String> type = Gen.of("5", "6");
    return random -> type.next(random) + Gen.nonNegativeLongs().next(random)
        + "-[\"e\",{\"_placeholder\":true,\"num\":0}]";
  }
}
