package dev.vigil.detect.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery. The signed material is the timestamp header's value, a
 * period, and the exact body bytes: {@code HMAC-SHA256(key, "<unix seconds>." + body)}, sent as
 * {@code X-Vigil-Signature: sha256=<lowercase hex>} beside {@code X-Vigil-Timestamp: <unix
 * seconds>}. Binding the timestamp makes a captured request useless once the receiver's tolerance
 * has passed; each retry is signed anew with a fresh timestamp. {@link #verify} is the reference
 * implementation of the receiver's side (docs/notify.md gives the same recipe in other languages).
 */
public final class WebhookSignature {

  public static final String SIGNATURE_HEADER = "X-Vigil-Signature";
  public static final String TIMESTAMP_HEADER = "X-Vigil-Timestamp";
  private static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  /** The {@value #SIGNATURE_HEADER} value for a body sent at {@code epochSeconds}. */
  public static String sign(byte[] key, long epochSeconds, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(key, epochSeconds, body));
  }

  /**
   * Whether a received request is authentic and fresh: the signature matches (compared in constant
   * time) and the timestamp is within {@code tolerance} of {@code now}.
   */
  public static boolean verify(
      byte[] key,
      String timestampHeader,
      String signatureHeader,
      byte[] body,
      Instant now,
      Duration tolerance) {
    if (timestampHeader == null || signatureHeader == null || !signatureHeader.startsWith(PREFIX)) {
      return false;
    }
    long epochSeconds;
    byte[] presented;
    try {
      epochSeconds = Long.parseLong(timestampHeader);
      presented = HexFormat.of().parseHex(signatureHeader.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - epochSeconds) > tolerance.toSeconds()) {
      return false;
    }
    return MessageDigest.isEqual(hmac(key, epochSeconds, body), presented);
  }

  private static byte[] hmac(byte[] key, long epochSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(Long.toString(epochSeconds).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every JDK; reaching this means a broken runtime.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
