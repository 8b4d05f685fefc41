package dev.vigil.detect.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.DeadLetter;
import dev.vigil.rules.model.Level;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/** Small pieces the document mappers share. */
final class Documents {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Three fractional digits always, like the events' {@code time}. */
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Documents() {}

  /**
   * The alert's document in the alerts index: its JSON ({@code AlertJson}) and two fields that
   * exist only there, so alerts.jsonl and the alerts topic stay the deterministic contract: {@code
   * severity_rank} ({@link Level#rank()}), which sorts and ranges in severity order, and {@code
   * indexed_at}, when the sink wrote it (processing time, where {@code time} is event time: a late
   * or replayed alert is recent by this one only).
   */
  static byte[] alertDocument(String alertJson, String severity, Instant indexedAt) {
    try {
      ObjectNode alert = (ObjectNode) JSON.readTree(alertJson);
      alert.put("severity_rank", Level.parse(severity).rank());
      alert.put("indexed_at", MILLIS.format(indexedAt));
      return JSON.writeValueAsBytes(alert);
    } catch (IOException e) {
      throw new UncheckedIOException("an alert's JSON does not parse", e);
    }
  }

  /** A digest of reason, origin and bytes: the same dead letter always gets the same id. */
  static String deadLetterId(DeadLetter deadLetter) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(deadLetter.getReason().name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(deadLetter.getOrigin().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      ByteBuffer raw = deadLetter.getRaw().duplicate();
      sha.update(raw);
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
