package io.llmgate.provider.http;

import io.llmgate.provider.FakeUpstream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test of the HTTP streaming path: each test gets its own Vert.x, HTTP client and fake upstream. */
abstract class FakeUpstreamTest {
  protected Vertx vertx;
  protected HttpUpstream http;
  protected FakeUpstream upstream;

  @BeforeEach
  void startUpstream() {
    vertx = Vertx.vertx();
    http = HttpUpstream.create(vertx, 8);
    upstream = FakeUpstream.start(vertx);
  }

  @AfterEach
  void stopUpstream() {
    upstream.close();
    vertx.close().await();
  }
}
