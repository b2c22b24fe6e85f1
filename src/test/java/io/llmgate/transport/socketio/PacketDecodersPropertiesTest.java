package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The Engine.IO and Socket.IO decoders on hostile text: random strings, mutated valid packets, truncation,
 * huge attachment counts, long namespaces, ack ids at the integer limits, deep JSON nesting. Each input
 * decodes or is refused with {@link MalformedPacketException} (which closes the connection with "parse
 * error"); nothing else may escape. Fixed seeds; {@code -Djqwik.tries.default=100000} runs longer.
 */
class PacketDecodersPropertiesTest {
  private static final String[] VALID = {
    "0", "0{\"token\":\"abc\"}", "0/admin,{\"token\":\"abc\"}", "1", "1/admin,", "2[\"llm:chat:stream\",{\"a\":1}]",
    "212[\"llm:stream:cancel\",{\"sessionId\":\"s\"}]", "2/admin,7[\"e\",null,true,1.5]", "31[\"ok\"]",
    "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]", "5210-/x,3[{\"_placeholder\":true,\"num\":9}]",
    "61-0[{\"_placeholder\":true,\"num\":0}]", "4{\"message\":\"no\"}",
  };

  @Property(seed = "20261203")
  void socketIoDecodeOnlyEverRefusesAsMalformed(@ForAll("hostilePackets") String packet) {
    try {
      SocketIoPacket decoded = SocketIoPacketCodec.decode(packet);
      assertThat(decoded.attachments()).isBetween(0, SocketIoPacketCodec.MAX_ATTACHMENTS);
    } catch (MalformedPacketException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @Property(seed = "20261203")
  void engineIoDecodeOnlyEverRefusesAsMalformed(@ForAll("hostilePackets") String record) {
    try {
      EnginePacket.decodeText(record);
      EnginePacket.decodePolling(record);
    } catch (MalformedPacketException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @Property(seed = "20261203")
  void pollingPayloadDecodeOnlyEverRefusesAsMalformed(@ForAll("hostilePayloads") String body) {
    try {
      assertThat(PollingPayload.decode(body)).isNotNull();
    } catch (MalformedPacketException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> hostilePackets() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200),
        mutated(),
        truncated(),
        hugeAttachmentCounts(),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5000)
            .map(name -> "2/" + name + ",[\"e\"]"),
        Arbitraries.longs().map(id -> "2" + id + "[\"e\"]"),
        Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 999_999_999_999_999L)
            .map(id -> "3" + id + "[\"ok\"]"),
        Arbitraries.integers().between(1, 5000).map(depth -> "2[\"e\"," + "[".repeat(depth) + "]".repeat(depth) + "]"),
        Arbitraries.integers().between(1, 5000).map(depth -> "0" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
  }

  @Provide
  Arbitrary<String> hostilePayloads() {
    return hostilePackets().list().ofMaxSize(5).map(records -> String.join("\u001e", records));
  }

  private static Arbitrary<String> valid() {
    return Arbitraries.of(VALID);
  }

  /** A valid packet with one character replaced, inserted or deleted. */
  private static Arbitrary<String> mutated() {
    return Combinators.combine(valid(), Arbitraries.integers().between(0, 1000), Arbitraries.chars(),
        Arbitraries.integers().between(0, 2)).as((packet, at, c, how) -> {
          int i = at % (packet.length() + 1);
          return switch (how) {
            case 0 -> packet.substring(0, i) + c + packet.substring(i);
            case 1 -> i < packet.length() ? packet.substring(0, i) + c + packet.substring(i + 1) : packet + c;
            default -> i < packet.length() ? packet.substring(0, i) + packet.substring(i + 1) : packet;
          };
        });
  }

  private static Arbitrary<String> truncated() {
    return Combinators.combine(valid(), Arbitraries.integers().between(0, 1000))
        .as((packet, at) -> packet.substring(0, at % (packet.length() + 1)));
  }

  private static Arbitrary<String> hugeAttachmentCounts() {
    return Arbitraries.of("5", "6").flatMap(type -> Arbitraries.longs().between(0, Long.MAX_VALUE)
        .map(count -> type + count + "-[\"e\",{\"_placeholder\":true,\"num\":0}]"));
  }
}
