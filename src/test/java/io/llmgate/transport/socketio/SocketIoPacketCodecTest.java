package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.transport.socketio.SocketIoPacket.Type;
import io.llmgate.transport.socketio.SocketIoPacketCodec.Encoded;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketIoPacketCodecTest {

  @Test
  void encodesConnectOnMainAndCustomNamespace() {
    JsonObject sid = new JsonObject().put("sid", "abc");
    assertThat(SocketIoPacketCodec.encodeConnect("/", sid)).isEqualTo("0{\"sid\":\"abc\"}");
    assertThat(SocketIoPacketCodec.encodeConnect("/admin", sid))
        .isEqualTo("0/admin,{\"sid\":\"abc\"}");
  }

  @Test
  void encodesConnectErrorAndDisconnect() {
    JsonObject error = new JsonObject().put("message", "Invalid namespace");
    assertThat(SocketIoPacketCodec.encodeConnectError("/random", error))
        .isEqualTo("4/random,{\"message\":\"Invalid namespace\"}");
    assertThat(SocketIoPacketCodec.encodeDisconnect("/")).isEqualTo("1");
    assertThat(SocketIoPacketCodec.encodeDisconnect("/admin")).isEqualTo("1/admin,");
  }

  @Test
  void encodesEventWithAndWithoutAckId() {
    Encoded plain =
        SocketIoPacketCodec.encodeEvent(
            "/",
            SocketIoPacket.NO_ACK,
            "hello",
            new Object[] {1, "2", new JsonObject().put("3", true), null});
    assertThat(plain.text()).isEqualTo("2[\"hello\",1,\"2\",{\"3\":true},null]");
    assertThat(plain.attachments()).isEmpty();

    Encoded withAck = SocketIoPacketCodec.encodeEvent("/admin", 12, "hello", new Object[0]);
    assertThat(withAck.text()).isEqualTo("2/admin,12[\"hello\"]");
  }

  @Test
  void encodesAck() {
    Encoded ack = SocketIoPacketCodec.encodeAck("/", 456, new Object[] {1, "2"});
    assertThat(ack.text()).isEqualTo("3456[1,\"2\"]");
  }

  @Test
  void binaryArgumentsBecomePlaceholdersAndAttachments() {
    Buffer a = Buffer.buffer(new byte[] {1, 2, 3});
    byte[] b = {4, 5, 6};
    JsonObject nested = new JsonObject().put("file", a);
    Encoded encoded =
        SocketIoPacketCodec.encodeEvent(
            "/", SocketIoPacket.NO_ACK, "upload", new Object[] {nested, b});
    assertThat(encoded.text())
        .isEqualTo(
            "52-[\"upload\",{\"file\":{\"_placeholder\":true,\"num\":0}},{\"_placeholder\":true,\"num\":1}]");
    assertThat(encoded.attachments()).containsExactly(a, Buffer.buffer(b));
    assertThat(nested.getMap().get("file")).as("caller's object is not modified").isSameAs(a);
  }

  @Test
  void binaryAckHasBinaryAckType() {
    Encoded encoded =
        SocketIoPacketCodec.encodeAck("/chat", 789, new Object[] {Buffer.buffer("x")});
    assertThat(encoded.text()).isEqualTo("61-/chat,789[{\"_placeholder\":true,\"num\":0}]");
  }

  private static String rawEvent(String namespace, String event, String jsonPayload) {
    StringBuilder out = new StringBuilder("<");
    SocketIoPacketCodec.appendRawEvent(out, namespace, event, json -> json.append(jsonPayload));
    return out.toString();
  }

  @Test
  void rawEventSplicesPayloadWithoutParsingAfterWhatTheBuilderHolds() {
    assertThat(rawEvent("/", "llm:stream:token", "{\"token\":\"hi\"}"))
        .isEqualTo("<2[\"llm:stream:token\",{\"token\":\"hi\"}]");
    assertThat(rawEvent("/x", "a\"b\n", "1")).isEqualTo("<2/x,[\"a\\\"b\\n\",1]");
    assertThat(rawEvent("/", "ping", "")).isEqualTo("<2[\"ping\"]");
  }

  @Test
  void quotingEscapesControlCharacters() {
    StringBuilder sb = new StringBuilder();
    SocketIoPacketCodec.appendQuoted(sb, "\u0001\t\\é");
    assertThat(sb).hasToString("\"\\u0001\\t\\\\é\"");
    assertThat(new JsonArray(sb.insert(0, '[').append(']').toString()).getString(0))
        .isEqualTo("\u0001\t\\é");
  }

  @Test
  void decodesConnectWithAndWithoutPayloadAndNamespace() throws Exception {
    assertThat(SocketIoPacketCodec.decode("0"))
        .isEqualTo(new SocketIoPacket(Type.CONNECT, "/", -1, null, 0));
    assertThat(SocketIoPacketCodec.decode("0{\"token\":\"123\"}").data())
        .isEqualTo(new JsonObject().put("token", "123"));
    SocketIoPacket custom = SocketIoPacketCodec.decode("0/custom,{\"token\":\"abc\"}");
    assertThat(custom.namespace()).isEqualTo("/custom");
    assertThat(custom.data()).isEqualTo(new JsonObject().put("token", "abc"));
  }

  @Test
  void namespaceMayEndWithoutComma() throws Exception {
    assertThat(SocketIoPacketCodec.decode("0/random").namespace()).isEqualTo("/random");
    assertThat(SocketIoPacketCodec.decode("1/custom").type()).isEqualTo(Type.DISCONNECT);
    assertThat(SocketIoPacketCodec.decode("1/custom,").namespace()).isEqualTo("/custom");
  }

  @Test
  void decodesEventWithAckId() throws Exception {
    SocketIoPacket p =
        SocketIoPacketCodec.decode("2/chat,456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
    assertThat(p.type()).isEqualTo(Type.EVENT);
    assertThat(p.namespace()).isEqualTo("/chat");
    assertThat(p.ackId()).isEqualTo(456);
    JsonArray data = (JsonArray) p.data();
    assertThat(SocketIoPacketCodec.values(data, 1))
        .containsExactly(1, "2", new JsonObject().put("3", new JsonArray().add(false)));
  }

  @Test
  void decodesAck() throws Exception {
    SocketIoPacket p = SocketIoPacketCodec.decode("3123[\"ok\"]");
    assertThat(p.type()).isEqualTo(Type.ACK);
    assertThat(p.ackId()).isEqualTo(123);
    assertThat(p.data()).isEqualTo(new JsonArray().add("ok"));
  }

  @Test
  void decodesBinaryEventAndReconstructsAttachments() throws Exception {
    SocketIoPacket header =
        SocketIoPacketCodec.decode(
            "52-789[\"message\",{\"_placeholder\":true,\"num\":0},{\"a\":[{\"_placeholder\":true,\"num\":1}]}]");
    assertThat(header.type()).isEqualTo(Type.BINARY_EVENT);
    assertThat(header.attachments()).isEqualTo(2);
    assertThat(header.ackId()).isEqualTo(789);

    BinaryPacketAssembler assembler = new BinaryPacketAssembler(header);
    assertThat(assembler.add(Buffer.buffer(new byte[] {1, 2, 3}))).isFalse();
    assertThat(assembler.add(Buffer.buffer(new byte[] {4, 5, 6}))).isTrue();
    List<Object> values = SocketIoPacketCodec.values((JsonArray) assembler.assemble().data(), 1);
    assertThat(values.get(0)).isEqualTo(Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(((JsonObject) values.get(1)).getJsonArray("a").getBuffer(0))
        .isEqualTo(Buffer.buffer(new byte[] {4, 5, 6}));
  }

  @Test
  void decodedBinaryRoundTripsThroughEncoder() throws Exception {
    SocketIoPacket header =
        SocketIoPacketCodec.decode(
            "452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"
                .substring(1));
    BinaryPacketAssembler assembler = new BinaryPacketAssembler(header);
    assembler.add(Buffer.buffer(new byte[] {1, 2, 3}));
    assembler.add(Buffer.buffer(new byte[] {4, 5, 6}));
    List<Object> args = SocketIoPacketCodec.values((JsonArray) assembler.assemble().data(), 1);
    Encoded echo = SocketIoPacketCodec.encodeEvent("/", -1, "message-back", args.toArray());
    assertThat(echo.text())
        .isEqualTo(
            "52-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    assertThat(echo.attachments()).hasSize(2);
  }

  @Test
  void placeholderOutOfRangeIsRejected() throws Exception {
    SocketIoPacket header =
        SocketIoPacketCodec.decode("51-[\"m\",{\"_placeholder\":true,\"num\":3}]");
    BinaryPacketAssembler assembler = new BinaryPacketAssembler(header);
    assembler.add(Buffer.buffer("x"));
    assertThatThrownBy(assembler::assemble)
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("num: 3");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // empty
        "abc", // unknown type
        "7", // unknown type
        "2{}", // event payload not an array
        "2[]", // event without name
        "2[1]", // event name not a string
        "2[\"connect\"]", // reserved name
        "2", // event without payload
        "2abc[\"message-with-ack\",1]", // non-numeric ack id
        "2[\"a\"] trailing", // garbage after JSON
        "0[1]", // connect payload not an object
        "1{}", // disconnect with payload
        "3[1]", // ack without id
        "312{}", // ack payload not an array
        "5[\"a\"]", // binary without count
        "5x-[\"a\"]", // binary with bad count
        "511-[\"a\",{\"_placeholder\":true,\"num\":0}]", // more attachments than socket.io-parser allows
        "5999999-[\"a\"]", // an attachment count that would make the server hold a huge list
        "4abc", // connect error with invalid JSON
        "21234567890123456[\"a\"]", // ack id too long
      })
  void rejectsInvalidPackets(String packet) {
    assertThatThrownBy(() -> SocketIoPacketCodec.decode(packet))
        .isInstanceOf(MalformedPacketException.class);
  }
}
