package io.llmgate.testing;

import java.util.Random;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The randomness of one repetition of a race test, from a seed its failures name: each repetition has its
 * own fixed seed, and {@code -Dllmgate.race-seed=N} runs every repetition with seed N, so the pauses of a
 * failing repetition can be asked for again (the threads' own timing cannot be replayed, the test's can).
 */
public final class RaceSeed {
  private static final long BASE = 20_261_203L;
  private final long seed;
  private final Random random;

  private RaceSeed(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  public static RaceSeed of(RepetitionInfo repetition) {
    return new RaceSeed(Long.getLong("llmgate.race-seed", BASE + repetition.getCurrentRepetition()));
  }

  /** A pause of 0 to {@code bound - 1} ms, the next of this seed's. */
  public long pauseMillis(int bound) {
    return random.nextInt(bound);
  }

  @Override
  public String toString() {
    return "race seed " + seed + " (-Dllmgate.race-seed=" + seed + " replays it)";
  }
}
