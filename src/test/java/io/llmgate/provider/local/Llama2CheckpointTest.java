package io.llmgate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.provider.local.TensorReader.Precision;
import io.llmgate.stream.FinishReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2CheckpointTest {
  private static final Llama2Config TINY = TinyModelFiles.TINY;

  @TempDir Path dir;

  @Test
  void randomFloat32CheckpointFromFilesLoadsAndGenerates() throws IOException {
    Path checkpoint = Files.write(dir.resolve("model.bin"),
        TinyModelFiles.checkpoint(TINY, Precision.FLOAT32, TinyModelFiles.random(7)));
    Path tokenizer = Files.write(dir.resolve("tokenizer.bin"), TinyModelFiles.tokenizer("ab", "bc", "cd"));

    Llama2Engine engine = Llama2Engine.fromFiles(checkpoint, tokenizer);
    Generation generation = engine.start("abcd", 5, Sampler.greedy());
    StringBuilder text = new StringBuilder();
    for (Optional<String> piece = generation.next(); piece.isPresent(); piece = generation.next()) {
      text.append(piece.get());
    }

    assertThat(engine.config()).isEqualTo(TINY);
    assertThat(generation.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
    assertThat(generation.usage().inputTokens()).isEqualTo(4); // BOS, " ", "ab", "cd"
    assertThat(generation.usage().outputTokens()).isBetween(0L, 5L);
  }

  @Test
  void float16AndFloat32FilesOfTheSameWeightsGiveTheSameLogits() {
    Llama2Model f32 = read(TinyModelFiles.checkpoint(TINY, Precision.FLOAT32, TinyModelFiles.random(3)));
    Llama2Model f16 = read(TinyModelFiles.checkpoint(TINY, Precision.FLOAT16, TinyModelFiles.random(3)));

    float[] a = f32.forward(new ForwardState(TINY), 42, 0).clone();
    float[] b = f16.forward(new ForwardState(TINY), 42, 0).clone();

    assertThat(b).containsExactly(a);
    float[] sorted = a.clone();
    Arrays.sort(sorted);
    assertThat(sorted[sorted.length - 1] - sorted[0]).as("spread of the logits").isGreaterThan(0.01f);
  }

  @Test
  void rejectsATruncatedCheckpoint() {
    byte[] bytes = TinyModelFiles.checkpoint(TINY, Precision.FLOAT32, TinyModelFiles.random(1));

    assertThatThrownBy(() -> read(Arrays.copyOf(bytes, bytes.length - 4)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("checkpoint test.bin: " + (bytes.length - 32) + " bytes after the header"
            + " (expected: " + (bytes.length - 28) + " for float32 or " + (bytes.length - 28) / 2
            + " for float16")
        .hasMessageEndingWith("truncated or not a llama2.c v0 checkpoint");
  }

  @Test
  void rejectsAShortHeaderAndImpossibleFields() {
    assertThatThrownBy(() -> read(new byte[10]))
        .hasMessage("checkpoint test.bin: 10 bytes (expected: at least the 28-byte header)");
    assertThatThrownBy(() -> read(header(0, 24, 2, 4, 2, 262, 12)))
        .hasMessage("checkpoint dim: 0 (expected: > 0)");
    assertThatThrownBy(() -> read(header(16, 24, 2, 4, 3, 262, 12)))
        .hasMessage("checkpoint n_kv_heads: 3 (expected: a divisor of n_heads 4)");
    assertThatThrownBy(() -> read(header(0x616b3432, 1, 0, 0, 0, 0, 0)))
        .hasMessageContaining("version 1/2 export (expected: legacy v0 export");
  }

  @Test
  void bundledModelFailsLoudlyWhenItsChecksumDoesNotMatch() {
    Checksums checksums = Checksums.parse("0".repeat(64) + "  " + BundledModel.CHECKPOINT + "\n", "SUMS");
    byte[] bytes = BundledModel.resource(BundledModel.CHECKPOINT);

    assertThatThrownBy(() -> checksums.verify(BundledModel.CHECKPOINT, bytes))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("SHA-256 of " + BundledModel.CHECKPOINT + ": " + Checksums.sha256(bytes)
            + " (expected: " + "0".repeat(64) + " from SUMS); the file is damaged or was replaced");
  }

  @Test
  void bundledModelIsTheDocumentedArchitecture() {
    assertThat(Llama2Engine.bundled().config())
        .isEqualTo(new Llama2Config(128, 352, 4, 4, 4, 512, 256, true));
  }

  @Test
  void decodesHalfPrecisionBitPatterns() {
    assertThat(TensorReader.halfToFloat((short) 0x3C00)).isEqualTo(1f);
    assertThat(TensorReader.halfToFloat((short) 0xC000)).isEqualTo(-2f);
    assertThat(TensorReader.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(TensorReader.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(TensorReader.halfToFloat((short) 0x8000)).isEqualTo(-0f);
    assertThat(TensorReader.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(TensorReader.halfToFloat((short) 0x7E00)).isNaN();
  }

  private static Llama2Model read(byte[] bytes) {
    return Llama2Checkpoint.read(ByteBuffer.wrap(bytes), "test.bin");
  }

  private static byte[] header(int... fields) {
    ByteBuffer header = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    for (int field : fields) {
      header.putInt(field);
    }
    return header.array();
  }
}
