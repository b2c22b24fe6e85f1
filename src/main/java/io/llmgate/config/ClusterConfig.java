package io.llmgate.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.Optional;

/**
 * Cluster mode: with {@code redisUrl} set, nodes share their rate limits, stream caps and membership in
 * that Redis. Every Redis command gives up after {@code commandTimeout} (a stalled Redis must not stall a
 * stream's start; 5 s by default, since on a CPU-starved machine 1 s refused starts Redis had answered in
 * time: the answer waited for a busy event loop); each node refreshes its presence every {@code heartbeat} and counts as gone after three
 * missed ones. Without a URL the node is standalone and needs nothing else.
 */
@RecordBuilder
public record ClusterConfig(Optional<String> redisUrl, Duration commandTimeout, Duration heartbeat)
    implements ClusterConfigBuilder.With {
  public static final ClusterConfig STANDALONE =
      new ClusterConfig(Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(2));

  public ClusterConfig {
    Checks.positive("cluster.command-timeout", commandTimeout.toMillis());
    Checks.positive("cluster.heartbeat", heartbeat.toMillis());
  }

  /** How long a node's presence (and so its stream slots) outlives its last heartbeat. */
  public Duration nodeTtl() {
    return heartbeat.multipliedBy(3);
  }
}
