package io.llmgate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {
  @Test
  void temperatureZeroPicksTheLargestLogit() {
    assertThat(Sampler.greedy().sample(new float[] {0.1f, 3f, -2f, 2.9f})).isEqualTo(1);
  }

  @Test
  void aTinyNucleusAlwaysPicksTheMostLikelyToken() {
    Sampler sampler = new Sampler(1.0, 0.01, 5);

    assertThat(IntStream.range(0, 50).map(i -> sampler.sample(new float[] {0f, 2f, 1f})))
        .containsOnly(1);
  }

  @Test
  void theNucleusExcludesTokensBeyondTopP() {
    Sampler sampler = new Sampler(1.0, 0.5, 9);

    // softmax(5, 5, 0, 0) ~ (0.497, 0.497, 0.003, 0.003): the first two reach 0.5 with the second
    assertThat(IntStream.range(0, 200).map(i -> sampler.sample(new float[] {5f, 5f, 0f, 0f})))
        .contains(0, 1).doesNotContain(2, 3);
  }

  @Test
  void theSameSeedReplaysTheSameDraws() {
    Sampler a = new Sampler(1.0, 1.0, 123);
    Sampler b = new Sampler(1.0, 1.0, 123);

    for (int i = 0; i < 100; i++) {
      assertThat(a.sample(new float[] {1f, 1f, 1f, 1f})).isEqualTo(b.sample(new float[] {1f, 1f, 1f, 1f}));
    }
  }

  @Test
  void rejectsSettingsOutOfRange() {
    assertThatThrownBy(() -> new Sampler(-0.5, 0.9, 1)).hasMessage("temperature: -0.5 (expected: 0..100)");
    assertThatThrownBy(() -> new Sampler(1, 0, 1)).hasMessage("topP: 0.0 (expected: > 0 and <= 1)");
  }
}
