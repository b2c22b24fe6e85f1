package io.llmgate.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A body and the places it is cut into network reads, for decoders whose output must not depend on how
 * the bytes were cut: a property feeds the same body cut and whole and compares what came out.
 */
public record CutStream(byte[] stream, List<Integer> cuts) {
  private static final Gen<List<Integer>> CUTS = Gen.ints(0, 10_000).list(0, 20);

  /** Where a decoder takes its bytes: {@code FrameDecoder::feed}. */
  @FunctionalInterface
  public interface Feed {
    void feed(byte[] bytes, int offset, int length);
  }

  /**
   * Bodies of up to 60 pieces, each cut at up to 20 places: the given pieces, 4 random bytes (invalid
   * UTF-8 among them), and runs of {@code a} from {@code minRun} to {@code maxRun} bytes (around a line limit).
   */
  public static Gen<CutStream> of(String[] pieces, int minRun, int maxRun) {
    Gen<byte[]> piece = Gen.oneOf(Gen.of(pieces).map(p -> p.getBytes(StandardCharsets.UTF_8)), Gen.bytes(4),
        Gen.ints(minRun, maxRun).map(n -> "a".repeat(n).getBytes(StandardCharsets.US_ASCII)));
    Gen<byte[]> streams = piece.list(0, 60).map(CutStream::concat);
    return random -> new CutStream(streams.next(random), CUTS.next(random));
  }

  /** The same body in one read. */
  public CutStream whole() {
    return new CutStream(stream, List.of());
  }

  /** Feeds the body in the reads its cuts make (each cut taken modulo the body's length, in order). */
  public void feedTo(Feed feed) {
    List<Integer> at = cuts.stream().map(c -> c % (stream.length + 1)).sorted().distinct().toList();
    int from = 0;
    for (int to : at) {
      feed.feed(stream, from, to - from);
      from = to;
    }
    feed.feed(stream, from, stream.length - from);
  }

  private static byte[] concat(List<byte[]> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pieces.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
