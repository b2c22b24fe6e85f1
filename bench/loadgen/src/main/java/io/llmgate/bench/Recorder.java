package io.llmgate.bench;

import java.util.concurrent.atomic.AtomicLong;

/** What one target recorded in one phase. */
final class Recorder {
  final Samples ttft = new Samples();
  final Samples gaps = new Samples();
  final Samples frameLatency = new Samples();
  final AtomicLong tokens = new AtomicLong();
}
