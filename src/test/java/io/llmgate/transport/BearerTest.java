package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTest {
  @Test
  void takesTheCredentialOfABearerHeaderInAnyCase() {
    assertThat(Bearer.token("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
    assertThat(Bearer.token("bearer  abc ")).isEqualTo("abc");
  }

  @Test
  void anythingElseIsNoToken() {
    assertThat(Bearer.token((String) null)).isEmpty();
    assertThat(Bearer.token("Basic dXNlcjpwdw==")).isEmpty();
    assertThat(Bearer.token("Bearer ")).isEmpty();
    assertThat(Bearer.token("Bearerabc")).isEmpty();
  }
}
