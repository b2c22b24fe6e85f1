package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.llmgate.testing.Fuzz;
import io.llmgate.testing.Gen;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The upstream frame reader on hostile frame data, one reader across the frames of a stream as in
 * production: truncated, mutated and concatenated JSON, deep nesting, wrong types, invalid UTF-8. Each frame
 * is read or refused as a malformed-frame {@link GatewayException}; a refused frame does not spoil the next.
 */
class FrameReaderPropertiesTest {
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Chunk(String model, List<Map<String, Object>> choices) {}

  private static final String[] VALID = {
    "{\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}", "{\"model\":\"m\",\"choices\":[]}", "{}",
  };

  @Test
  void eachFrameIsReadOrRefusedAsMalformed() {
    Fuzz.forAll(frames(), FrameReaderPropertiesTest::eachIsReadOrRefused);
  }

  private static void eachIsReadOrRefused(List<byte[]> frames) {
    FrameReader<Chunk> reader = new FrameReader<>("fuzz", Chunk.class);
    List<String> models = new ArrayList<>();
    List<byte[]> stream = new ArrayList<>(frames);
    stream.add(VALID[0].getBytes(StandardCharsets.UTF_8));
    // A frame is only valid while the decoder calls back, so it is read there, as the providers do.
    feed(stream, frame -> {
      try {
        models.add(String.valueOf(reader.read(frame).model()));
      } catch (GatewayException malformed) {
        assertThat(malformed.getMessage()).startsWith("fuzz: malformed frame");
        models.add("malformed");
      }
    });
    assertThat(models).as("after whatever came before, a valid frame still reads").endsWith("m");
  }

  private static Gen<List<byte[]>> frames() {
    Gen<String> valid = Gen.of(VALID);
    Gen<Integer> at = Gen.ints(0, 100);
    Gen<String> text = Gen.oneOf(
        valid,
        random -> {
          String v = valid.next(random);
          return v.substring(0, at.next(random) % v.length());
        },
        random -> {
          String v = valid.next(random);
          int i = at.next(random) % v.length();
          return v.substring(0, i) + Gen.anyChar().next(random) + v.substring(i);
        },
        random -> valid.next(random) + valid.next(random),
        Gen.ints(1, 3000).map(depth -> "{\"model\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
        Gen.of("{\"model\":1}", "{\"choices\":\"x\"}", "null", "[]", "1", "\"s\"", "{\"model\":\"m\"} x"),
        Gen.strings(0, 100));
    Gen<byte[]> bytes = Gen.oneOf(text.map(t -> t.getBytes(StandardCharsets.UTF_8)), Gen.bytes(50));
    return bytes.list(1, 8);
  }

  /** Each frame's bytes as one SSE {@code data:} event, through the real decoder. */
  private static void feed(List<byte[]> frames, Consumer<SseEvent> onFrame) {
    SseDecoder decoder = new SseDecoder(onFrame);
    for (byte[] data : frames) {
      byte[] clean = new String(data, StandardCharsets.ISO_8859_1).replace('\n', ' ').replace('\r', ' ')
          .getBytes(StandardCharsets.ISO_8859_1);
      decoder.feed("data: ".getBytes(StandardCharsets.US_ASCII));
      decoder.feed(clean);
      decoder.feed("\n\n".getBytes(StandardCharsets.US_ASCII));
    }
  }
}
