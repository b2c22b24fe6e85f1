package io.llmgate.transport.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.SecurityConfig;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Origin headers pass, for a gateway reached as {@code gateway.example:3000} or behind a proxy. */
class BrowserOriginsTest {
  private static final HostAndPort DIRECT = HostAndPort.create("gateway.example", 3000);
  private static final HostAndPort PROXIED = HostAndPort.create("gateway.example", -1);

  private final BrowserOrigins production =
      new BrowserOrigins(new SecurityConfig(List.of("https://App.Example", "http://other.example:8080")), false);
  private final BrowserOrigins dev = new BrowserOrigins(SecurityConfig.DEFAULT, true);

  @Test
  void aRequestWithoutOriginIsNotAPageAndPasses() {
    assertThat(production.allows(null, DIRECT)).isTrue();
  }

  @Test
  void theGatewaysOwnOriginPassesWhateverTheSchemeAProxyTerminated() {
    assertThat(production.allows("http://gateway.example:3000", DIRECT)).isTrue();
    assertThat(production.allows("HTTP://Gateway.Example:3000", DIRECT)).isTrue();
    assertThat(production.allows("https://gateway.example", PROXIED)).as("TLS proxy, default port").isTrue();
    assertThat(production.allows("http://gateway.example", PROXIED)).isTrue();
    assertThat(production.allows("https://gateway.example:8443", PROXIED)).as("another port").isFalse();
    assertThat(production.allows("http://gateway.example:3001", DIRECT)).isFalse();
    assertThat(production.allows("http://gateway.example.evil.example:3000", DIRECT)).isFalse();
  }

  @Test
  void listedOriginsPassExactlyAndNothingElse() {
    assertThat(production.allows("https://app.example", DIRECT)).isTrue();
    assertThat(production.allows("http://other.example:8080", DIRECT)).isTrue();
    assertThat(production.allows("http://app.example", DIRECT)).as("other scheme").isFalse();
    assertThat(production.allows("https://app.example:444", DIRECT)).as("other port").isFalse();
    assertThat(production.allows("https://evil.app.example", DIRECT)).isFalse();
    assertThat(production.allows("null", DIRECT)).as("sandboxed or file page").isFalse();
    assertThat(production.allows("", DIRECT)).isFalse();
    assertThat(production.allows("::not an origin::", DIRECT)).isFalse();
  }

  @Test
  void devModeAlsoLetsLocalPagesOnAnyPortThroughAndProductionDoesNot() {
    for (String local : List.of("http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000",
        "https://localhost")) {
      assertThat(dev.allows(local, DIRECT)).as(local).isTrue();
      assertThat(production.allows(local, DIRECT)).as(local).isFalse();
    }
    assertThat(dev.allows("https://evil.example", DIRECT)).isFalse();
    assertThat(dev.allows("http://localhost.evil.example", DIRECT)).isFalse();
  }

  @Test
  void aStarLetsEveryPageThrough() {
    BrowserOrigins any = new BrowserOrigins(new SecurityConfig(List.of("*")), false);
    assertThat(any.allows("https://anyone.example", DIRECT)).isTrue();
    assertThat(any.allows("null", DIRECT)).isTrue();
  }
}
