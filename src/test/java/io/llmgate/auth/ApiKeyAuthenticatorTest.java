package io.llmgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.ApiKey;
import io.llmgate.error.GatewayException;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {
  private static final String KEY_A = "sk-svc-a-0123456789abcdefghijklmnop";
  private static final String KEY_B = "sk-svc-b-0123456789abcdefghijklmnop";
  private final Vertx vertx = Vertx.vertx();
  private final TestTokens tokens = new TestTokens(vertx);
  private final JwtAuthenticator jwt = new JwtAuthenticator(vertx, TestTokens.SECRET);
  private final ApiKeyAuthenticator keys = new ApiKeyAuthenticator(List.of(
      new ApiKey("svc-a", ApiKey.sha256Of(KEY_A), OptionalInt.of(10), OptionalInt.empty()),
      new ApiKey("svc-b", ApiKey.sha256Of(KEY_B), OptionalInt.empty(), OptionalInt.empty()),
      ApiKey.plain(ApiKeyAuthenticator.API_KEY_USER, "sk-legacy")), jwt);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void eachKeyIsItsOwnUserAndTokensStillPass() {
    assertThat(keys.authenticate(KEY_A).await()).isEqualTo("svc-a");
    assertThat(keys.authenticate(KEY_B).await()).isEqualTo("svc-b");
    assertThat(keys.authenticate("sk-legacy").await()).isEqualTo("api-key");
    assertThat(keys.authenticate(tokens.valid("alice")).await()).isEqualTo("alice");
  }

  @Test
  void aWrongKeyOrAKeysHashIsRefusedExactlyAsByTheTokenVerifier() {
    for (String wrong : List.of(KEY_A + "x", KEY_A.substring(1), ApiKey.sha256Of(KEY_A), "", "a.b.c")) {
      assertThat(refusal(keys.authenticate(wrong))).as(wrong).isEqualTo(refusal(jwt.authenticate(wrong)))
          .startsWith("unauthorized: ");
    }
    assertThat(refusal(keys.authenticate(null))).isEqualTo("unauthorized: missing token");
  }

  private static String refusal(Future<String> outcome) {
    try {
      throw new AssertionError("accepted as " + outcome.await());
    } catch (GatewayException refused) {
      return refused.getMessage();
    }
  }
}
