package io.llmgate.testing;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;

/** Reads one metric from a gateway's {@code GET /metrics}, summed over its label sets. */
public final class MetricsScrape {
  private MetricsScrape() {}

  /** The sum of every sample of {@code metric} ({@code llmgate_streams_active}: all providers and transports). */
  public static double sum(HttpClient client, int port, String metric) throws Exception {
    return sum(client, port, metric, "");
  }

  /** The sum of the samples of {@code metric} with {@code label} ({@code command="heartbeat"}). */
  public static double sum(HttpClient client, int port, String metric, String label) throws Exception {
    String scrape = client.request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
        .compose(request -> request.send().compose(response -> response.body()))
        .await(10, TimeUnit.SECONDS).toString();
    return scrape.lines().filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
        .filter(line -> line.substring(0, line.lastIndexOf(' ')).contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
