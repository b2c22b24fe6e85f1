package io.llmgate.transport.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.NodeTests;
import io.llmgate.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChatPageRoutesTest {
  private static TestGateway gateway;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    http = gateway.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private record Page(HttpClientResponse response, Buffer body) {}

  private static Page get(String uri) throws Exception {
    return http.request(new RequestOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI(uri))
        .compose(request -> request.send().compose(response -> response.body().map(body -> new Page(response, body))))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void rootServesThePageWithAStrictContentSecurityPolicy() throws Exception {
    Page page = get("/");
    assertThat(page.response().statusCode()).isEqualTo(200);
    assertThat(page.response().getHeader("Content-Type")).startsWith("text/html");
    assertThat(page.response().getHeader("Content-Security-Policy")).contains("default-src 'self'")
        .contains("script-src 'self'");
    assertThat(page.body().toString()).contains("<title>llmgate chat</title>")
        .contains("/assets/vendor/socket.io.min.js").contains("/assets/app.js");
  }

  @Test
  void pageAndAssetsCarryTheSecurityHeaders() throws Exception {
    for (String uri : new String[] {"/", "/assets/app.js", "/assets/style.css"}) {
      HttpClientResponse response = get(uri).response();
      String policy = response.getHeader("Content-Security-Policy");
      assertThat(policy).as(uri).contains("frame-ancestors 'none'").contains("script-src 'self'")
          .contains("style-src 'self'").contains("base-uri 'none'").doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval");
      assertThat(response.getHeader("X-Content-Type-Options")).as(uri).isEqualTo("nosniff");
      assertThat(response.getHeader("Referrer-Policy")).as(uri).isEqualTo("no-referrer");
    }
  }

  /** The policy forbids inline code, so the page must have none (the browser test sees any violation). */
  @Test
  void pageHasNoInlineScriptStyleOrEventHandler() throws Exception {
    String html = get("/").body().toString();
    assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>")
        .doesNotContainPattern("<style[\\s>]").doesNotContainPattern("\\sstyle=")
        .doesNotContainPattern("\\son[a-z]+=").doesNotContain("javascript:");
  }

  @Test
  void assetsAreServed() throws Exception {
    assertThat(get("/assets/app.js").response().getHeader("Content-Type")).contains("javascript");
    assertThat(get("/assets/style.css").response().getHeader("Content-Type")).startsWith("text/css");
    assertThat(get("/assets/vendor/socket.io.min.js").response().statusCode()).isEqualTo(200);
    assertThat(get("/assets/nothing-here.js").response().statusCode()).isEqualTo(404);
  }

  @Test
  void vendoredSocketIoBundleIsTheOneOfTheLockedNpmPackage() throws Exception {
    NodeTests.ensureInstalled();
    Path npm = NodeTests.INTEROP.resolve("node_modules/socket.io-client/dist/socket.io.min.js");
    Path vendored = Path.of("src/main/resources/webroot/assets/vendor/socket.io.min.js");
    assertThat(Files.readAllBytes(vendored))
        .as("copy %s to %s after bumping socket.io-client", npm, vendored)
        .isEqualTo(Files.readAllBytes(npm));
  }
}
