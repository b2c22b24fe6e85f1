package io.llmgate.transport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Live client connections per transport, for health and metrics. */
public final class Connections {
  private final ConcurrentHashMap<String, AtomicInteger> byTransport = new ConcurrentHashMap<>();

  public void opened(String transport) {
    byTransport.computeIfAbsent(transport, t -> new AtomicInteger()).incrementAndGet();
  }

  public void closed(String transport) {
    byTransport.computeIfAbsent(transport, t -> new AtomicInteger()).decrementAndGet();
  }

  public int count(String transport) {
    AtomicInteger count = byTransport.get(transport);
    return count == null ? 0 : count.get();
  }

  public int total() {
    return byTransport.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public Map<String, Integer> byTransport() {
    Map<String, Integer> snapshot = new TreeMap<>();
    byTransport.forEach((transport, count) -> snapshot.put(transport, count.get()));
    return snapshot;
  }
}
