package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  private static final byte[] KEY = "whsec-test-key".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "{\"alert\":1}".getBytes(StandardCharsets.UTF_8);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  @Test
  void matchesAnIndependentlyComputedHmac() {
    // printf '%s' '1700000000.{"alert":1}' | openssl dgst -sha256 -hmac whsec-test-key
    assertThat(WebhookSignature.sign(KEY, 1_700_000_000L, BODY))
        .isEqualTo("sha256=" + "e6760e2a68e1835dd13b98dfbf0f255a8d746eb4e8224631d7e301495a4f4fa4");
  }

  @Test
  void verifiesAuthenticFreshRequestsOnly() {
    Instant now = Instant.ofEpochSecond(1_700_000_100L);
    String signature = WebhookSignature.sign(KEY, 1_700_000_000L, BODY);
    assertThat(WebhookSignature.verify(KEY, "1700000000", signature, BODY, now, TOLERANCE))
        .isTrue();
    byte[] tampered = "{\"alert\":2}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify(KEY, "1700000000", signature, tampered, now, TOLERANCE))
        .isFalse();
    assertThat(WebhookSignature.verify(KEY, "1700000001", signature, BODY, now, TOLERANCE))
        .as("timestamp is part of the signed material")
        .isFalse();
    assertThat(
            WebhookSignature.verify(
                KEY, "1700000000", signature, BODY, now.plus(Duration.ofHours(1)), TOLERANCE))
        .as("replayed after the tolerance")
        .isFalse();
    assertThat(
            WebhookSignature.verify(
                "other".getBytes(StandardCharsets.UTF_8),
                "1700000000",
                signature,
                BODY,
                now,
                TOLERANCE))
        .isFalse();
    assertThat(WebhookSignature.verify(KEY, "x", signature, BODY, now, TOLERANCE)).isFalse();
    assertThat(WebhookSignature.verify(KEY, "1700000000", "sha256=zz", BODY, now, TOLERANCE))
        .isFalse();
    assertThat(WebhookSignature.verify(KEY, "1700000000", null, BODY, now, TOLERANCE)).isFalse();
  }
}
