package io.llmgate.provider.local;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** Reads consecutive little-endian tensors stored as float32 or as IEEE-754 binary16 (fp16). */
final class TensorReader {
  enum Precision {
    FLOAT32(4),
    FLOAT16(2);

    final int bytes;

    Precision(int bytes) {
      this.bytes = bytes;
    }
  }

  // A table lookup keeps loading fast while the JIT has not compiled halfToFloat yet.
  private static final float[] HALF_TO_FLOAT = new float[1 << 16];

  static {
    for (int bits = 0; bits < HALF_TO_FLOAT.length; bits++) {
      HALF_TO_FLOAT[bits] = halfToFloat((short) bits);
    }
  }

  private final ByteBuffer buffer;
  private final Precision precision;

  /** {@code buffer} must be little-endian and positioned at the first value. */
  TensorReader(ByteBuffer buffer, Precision precision) {
    this.buffer = buffer;
    this.precision = precision;
  }

  float[] next(long count) {
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelLoadException("tensor size: " + count + " values (expected: < 2^31)");
    }
    float[] values = new float[(int) count];
    if (precision == Precision.FLOAT32) {
      FloatBuffer floats = buffer.asFloatBuffer();
      floats.get(values);
    } else {
      short[] halves = new short[values.length];
      buffer.asShortBuffer().get(halves);
      for (int i = 0; i < values.length; i++) {
        values[i] = HALF_TO_FLOAT[halves[i] & 0xffff];
      }
    }
    skip(count);
    return values;
  }

  void skip(long count) {
    buffer.position(Math.toIntExact(buffer.position() + count * precision.bytes));
  }

  /** Java 17 has no Float.float16ToFloat (it arrived in Java 20). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // zero or subnormal: mantissa * 2^-24, exact in float
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
