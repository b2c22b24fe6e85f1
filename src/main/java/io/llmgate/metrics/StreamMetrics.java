package io.llmgate.metrics;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stream metrics from the listener hooks, named after the OpenTelemetry GenAI conventions where one
 * exists ({@code gen_ai.server.time_to_first_token}, {@code gen_ai.client.token.usage} …). Labels are
 * provider, transport and outcome: never the user, whose cardinality is unbounded.
 */
public final class StreamMetrics implements StreamListener {
  private static final Duration[] LATENCY_SLOS = {
      Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(300)};

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, AtomicInteger> active = new ConcurrentHashMap<>();
  /** Per-token meters resolved once per provider and transport: a registry lookup per token costs more than the relay. */
  private final ConcurrentHashMap<String, TokenMeters> tokenMeters = new ConcurrentHashMap<>();

  public StreamMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The stream's own recorder: its clock is a field there, not an entry of a map every token looks up. */
  @Override
  public StreamListener forStream(StreamInfo stream) {
    return new ForStream();
  }

  private void usage(String provider, io.llmgate.stream.Usage usage) {
    tokens(provider, "input").record(usage.inputTokens());
    tokens(provider, "output").record(usage.outputTokens());
  }

  @Override
  public void refused(String transport, ErrorCode code) {
    Counter.builder("llmgate.requests.refused").description("Client messages refused before a stream started")
        .tags("transport", transport, "code", code.wire()).register(registry).increment();
  }

  private AtomicInteger activeGauge(String provider, String transport) {
    return active.computeIfAbsent(provider + '\n' + transport, key -> {
      AtomicInteger gauge = new AtomicInteger();
      registry.gauge("llmgate.streams.active",
          io.micrometer.core.instrument.Tags.of("provider", provider, "transport", transport), gauge);
      return gauge;
    });
  }

  private DistributionSummary tokens(String provider, String type) {
    return DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens per stream")
        .baseUnit("tokens").tags("gen_ai.provider.name", provider, "gen_ai.token.type", type)
        .serviceLevelObjectives(10, 100, 1_000, 10_000, 100_000).register(registry);
  }

  Timer timer(String name, String description, StreamInfo stream, String tagKey, String tagValue) {
    return Timer.builder(name).description(description)
        .tags("gen_ai.provider.name", stream.request().provider(), tagKey, tagValue)
        .serviceLevelObjectives(LATENCY_SLOS).register(registry);
  }

  private static String outcome(StreamEvent finalEvent) {
    return switch (finalEvent.kind()) {
      case DONE -> "done";
      case CANCELLED -> "cancelled";
      case FAILED -> ((StreamEvent.Failed) finalEvent).code().wire();
      default -> "unknown";
    };
  }

  /** The meters every token of one provider over one transport records into. */
  private static final class TokenMeters {
    final Timer overhead;
    final Timer timeToFirstToken;
    final Timer gap;

    TokenMeters(StreamMetrics metrics, StreamInfo stream) {
      overhead = metrics.timer("llmgate.gateway.overhead", "Upstream event in to client frame out", stream,
          "transport", stream.transport());
      timeToFirstToken = metrics.timer("gen_ai.server.time_to_first_token", "Accepted to first token", stream,
          "transport", stream.transport());
      gap = metrics.timer("llmgate.inter_token_gap", "Gap between consecutive tokens sent", stream, "transport",
          stream.transport());
    }
  }

  /**
   * What is recorded about one stream, on its context: its meters (known once it is accepted), when it was
   * accepted and when its last token went out.
   */
  private final class ForStream implements StreamListener {
    private TokenMeters meters;
    private long startNanos;
    private long lastTokenNanos;

    @Override
    public void accepted(StreamInfo stream) {
      String provider = stream.request().provider();
      activeGauge(provider, stream.transport()).incrementAndGet();
      Counter.builder("llmgate.streams.started").description("Streams accepted")
          .tags("provider", provider, "transport", stream.transport()).register(registry).increment();
      meters = tokenMeters.computeIfAbsent(provider + '\n' + stream.transport(),
          key -> new TokenMeters(StreamMetrics.this, stream));
      startNanos = System.nanoTime();
    }

    @Override
    public void sent(StreamInfo stream, StreamEvent event, long relayNanos) {
      if (meters == null) {
        return;
      }
      if (relayNanos > 0) {
        meters.overhead.record(relayNanos, TimeUnit.NANOSECONDS);
      }
      if (event.kind() == StreamEvent.Kind.TOKEN || event.kind() == StreamEvent.Kind.REASONING) {
        token();
      }
    }

    @Override
    public void closed(StreamInfo stream, StreamEvent finalEvent) {
      activeGauge(stream.request().provider(), stream.transport()).decrementAndGet();
      String outcome = outcome(finalEvent);
      Counter.builder("llmgate.streams.finished").description("Streams ended, by outcome")
          .tags("provider", stream.request().provider(), "transport", stream.transport(), "outcome", outcome)
          .register(registry).increment();
      if (meters != null) {
        timer("gen_ai.server.request.duration", "Stream duration, accepted to final event", stream, "outcome", outcome)
            .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      }
      if (finalEvent instanceof StreamEvent.Done done) {
        done.usage().ifPresent(usage -> usage(done.provider(), usage));
      } else if (finalEvent instanceof StreamEvent.Cancelled cancelled) {
        // What was generated before the cancel is billed too.
        cancelled.usage().ifPresent(usage -> usage(stream.request().provider(), usage));
      }
    }

    @Override
    public void retried(StreamInfo stream, String provider, ErrorCode code) {
      Counter.builder("llmgate.upstream.retries").description("Attempts repeated before the first token")
          .tags("gen_ai.provider.name", provider, "error.type", code.wire()).register(registry).increment();
    }

    @Override
    public void fellBack(StreamInfo stream, String from, String to, ErrorCode code) {
      Counter.builder("llmgate.upstream.fallbacks")
          .description("Streams moved to the next provider before the first token")
          .tags("gen_ai.provider.name", from, "fallback", to, "error.type", code.wire()).register(registry).increment();
    }

    @Override
    public void upstreamClosed(StreamInfo stream, long cancelToCloseNanos) {
      timer("llmgate.cancel.upstream_close", "Cancel or disconnect to upstream connection closed", stream, "transport",
          stream.transport()).record(cancelToCloseNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void detached(StreamInfo stream) {
      Counter.builder("llmgate.streams.detached")
          .description("Streams whose client disconnected, kept running for a resume")
          .tags("transport", stream.transport()).register(registry).increment();
    }

    @Override
    public void resumed(StreamInfo stream, boolean fromDetached, long latencyNanos) {
      String detached = Boolean.toString(fromDetached);
      Counter.builder("llmgate.streams.resumed").description("Running streams taken over by a resuming client")
          .tags("transport", stream.transport(), "detached", detached).register(registry).increment();
      timer("llmgate.resume.latency", "Resume request to the missed events handed to the client's transport", stream,
          "detached", detached).record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void expired(StreamInfo stream, long detachedNanos) {
      Counter.builder("llmgate.streams.expired").description("Detached streams nobody resumed within the grace period")
          .tags("transport", stream.transport()).register(registry).increment();
    }

    /** First-token latency, then the gap between consecutive tokens. */
    private void token() {
      long now = System.nanoTime();
      if (lastTokenNanos == 0) {
        meters.timeToFirstToken.record(now - startNanos, TimeUnit.NANOSECONDS);
      } else {
        meters.gap.record(now - lastTokenNanos, TimeUnit.NANOSECONDS);
      }
      lastTokenNanos = now;
    }
  }
}
