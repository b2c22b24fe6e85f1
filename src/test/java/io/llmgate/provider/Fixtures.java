package io.llmgate.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The recorded upstream bodies in src/test/resources/fixtures/upstream (provenance in its README.md). */
public final class Fixtures {
  private Fixtures() {}

  public static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/upstream/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("fixture: " + path + " (expected: a file under fixtures/upstream)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A {@code .payloads.jsonl} recording framed as the OpenAI dialect sends it (fixtures README): each line
   * as {@code data: <line>}, then {@code data: [DONE]}.
   */
  public static byte[] openAiFramedPayloads(String path) {
    StringBuilder body = new StringBuilder();
    for (String line : text(path).split("\n")) {
      if (!line.isBlank()) {
        body.append("data: ").append(line).append("\n\n");
      }
    }
    return body.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  public static String text(String path) {
    return new String(bytes(path), StandardCharsets.UTF_8);
  }

  /** How many SSE frames (blank-line terminated) a fixture holds. */
  public static int frameCount(byte[] fixture) {
    int n = 1;
    while (true) {
      try {
        lengthOfFrames(fixture, n);
        n++;
      } catch (IllegalArgumentException end) {
        return n - 1;
      }
    }
  }

  /** The first {@code n} SSE frames of a fixture, whatever its line endings: a stream cut before its end. */
  public static int lengthOfFrames(byte[] fixture, int n) {
    int frames = 0;
    for (int i = 1; i < fixture.length; i++) {
      boolean lf = fixture[i] == '\n' && fixture[i - 1] == '\n';
      boolean crlf = i >= 3 && fixture[i] == '\n' && fixture[i - 1] == '\r' && fixture[i - 2] == '\n'
          && fixture[i - 3] == '\r';
      if ((lf || crlf) && ++frames == n) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("fixture has fewer than " + n + " frames");
  }

  /**
   * The {@code data:} payloads of an SSE fixture, read independently of the production decoder (a plain
   * line split), so tests can state what the fixture holds without trusting the code under test.
   */
  public static List<String> dataPayloads(String path) {
    List<String> payloads = new ArrayList<>();
    for (String line : text(path).split("\r\n|\n|\r")) {
      if (line.startsWith("data: ") && !line.startsWith("data: [DONE]")) {
        payloads.add(line.substring(6));
      }
    }
    return payloads;
  }
}
