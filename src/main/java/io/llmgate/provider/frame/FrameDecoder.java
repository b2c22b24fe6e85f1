package io.llmgate.provider.frame;

/**
 * Cuts one upstream body into frames as its bytes arrive, handing each complete frame to the sink it was
 * made with ({@link Framing}) before {@link #feed} returns. One instance per stream; not thread-safe.
 */
public interface FrameDecoder {

  /**
   * Feeds {@code length} bytes of {@code bytes} from {@code offset}; they are not kept after this returns,
   * so the caller may pass a network buffer's own array. Throws {@link IllegalStateException}, saying
   * which limit, when a frame grows over the decoder's limit: an upstream gone wrong.
   */
  void feed(byte[] bytes, int offset, int length);

  /** The body ended: what was left of it. */
  Tail end();

  /**
   * What the body held after its last frame: text outside any frame ({@code unframed}, bounded; Gemini
   * appends its error as raw JSON after the SSE events), and whether a frame was cut short by the end
   * ({@code discardedFrame}: never dispatched, so the provider can call that a truncation).
   */
  record Tail(String unframed, boolean discardedFrame) {}
}
