package io.llmgate.provider.local;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

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
      ShortBuffer halves = buffer.asShortBuffer();
      for (int i = 0; i < values.length; i++) {
        values[i] = halfToFloat(halves.get());
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
