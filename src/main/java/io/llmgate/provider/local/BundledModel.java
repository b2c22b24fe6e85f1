package io.llmgate.provider.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The demo model shipped in the jar: a 0.87M-parameter llama2.c model trained on the King James
 * Bible (tools/train-local-model), stored as fp16, with its tokenizer and their SHA-256 sums.
 */
final class BundledModel {
  static final String DIRECTORY = "models/";
  static final String CHECKPOINT = "kjv-llama-0.9m.f16.bin";
  static final String TOKENIZER = "kjv-tokenizer.bin";
  static final String CHECKSUMS = "SHA256SUMS";

  private BundledModel() {}

  static Llama2Engine load() {
    Checksums checksums = Checksums.parse(
        new String(resource(CHECKSUMS), StandardCharsets.US_ASCII), DIRECTORY + CHECKSUMS);
    Llama2Model model = Llama2Checkpoint.read(
        ByteBuffer.wrap(checksums.verify(CHECKPOINT, resource(CHECKPOINT))), DIRECTORY + CHECKPOINT);
    Llama2Tokenizer tokenizer = Llama2Tokenizer.read(
        ByteBuffer.wrap(checksums.verify(TOKENIZER, resource(TOKENIZER))),
        model.config().vocabSize(), DIRECTORY + TOKENIZER);
    return new Llama2Engine(model, tokenizer);
  }

  static byte[] resource(String fileName) {
    try (InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(DIRECTORY + fileName)) {
      if (in == null) {
        throw new ModelLoadException("classpath resource " + DIRECTORY + fileName
            + ": missing (expected: bundled in the jar)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("classpath resource " + DIRECTORY + fileName, e);
    }
  }
}
