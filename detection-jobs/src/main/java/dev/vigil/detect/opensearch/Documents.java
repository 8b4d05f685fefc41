package dev.vigil.detect.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.io.IoProblems;
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
import java.util.Arrays;
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

  /**
   * The least a dead letter's document may be however small the bulk's {@code max_bytes}: its
   * reason, message and origin, and a useful start of its raw record.
   */
  static final int MIN_DEAD_LETTER_BYTES = 64 * 1024;

  /**
   * How long a cut dead letter's {@code message} and {@code origin} may be, in characters: both
   * escaped at their worst (6 bytes a character) leave room in {@link #MIN_DEAD_LETTER_BYTES}.
   */
  static final int MAX_FIELD_CHARS = 4096;

  /**
   * The dead letter's document ({@code EventJson}), at most {@code maxBytes}. A larger one (a
   * {@code TOO_LARGE} record that a compressed raw topic delivered at any size, a refused document
   * of megabytes) keeps the longest start of its raw record that fits, and two fields of the index
   * only: {@code raw_truncated: true} and {@code raw_length}, the whole record's length in bytes.
   * The start is in the field the whole record would have: {@code raw}, cut between characters,
   * when the record is text; {@code raw_base64} when it is not, even if the start happens to be
   * text. Its {@code message} and {@code origin} are cut to {@link #MAX_FIELD_CHARS} characters
   * (ending in "…"), so that they alone never make it too large. Kafka's dead-letter topic and the
   * files keep it whole (or, on Kafka, as much as its topic takes).
   *
   * <p>The JSON escapes of {@code raw} (a quote takes 2 bytes, a control character 6; base64 4 per
   * 3) make its length unknown until written, so the cut is written and measured, and shrunk by the
   * ratio of JSON to raw bytes it showed until it fits.
   */
  static byte[] deadLetterDocument(DeadLetter deadLetter, int maxBytes) {
    int rawBytes = deadLetter.getRaw().remaining();
    if (rawBytes <= maxBytes) {
      byte[] whole = json(deadLetter, false, 512 + rawBytes);
      if (whole.length <= maxBytes) {
        return whole;
      }
    }
    boolean text = EventJson.isText(deadLetter.getRaw());
    DeadLetter capped =
        DeadLetter.newBuilder(deadLetter)
            .setMessage(capped(deadLetter.getMessage()))
            .setOrigin(capped(deadLetter.getOrigin()))
            .build();
    byte[] marker =
        (",\"raw_truncated\":true,\"raw_length\":" + rawBytes + "}")
            .getBytes(StandardCharsets.US_ASCII);
    int overhead = json(withRawPrefix(capped, 0), !text, 512).length - 1 + marker.length;
    int keep = Math.max(0, Math.min(rawBytes - 1, maxBytes - overhead));
    while (true) {
      if (text) {
        keep = IoProblems.characterBoundary(capped.getRaw(), keep);
      }
      byte[] cut = json(withRawPrefix(capped, keep), !text, overhead + keep + keep / 4);
      byte[] document = Arrays.copyOf(cut, cut.length - 1 + marker.length);
      System.arraycopy(marker, 0, document, cut.length - 1, marker.length);
      if (document.length <= maxBytes || keep == 0) {
        return document;
      }
      // Escapes or base64 made raw's JSON longer than its bytes: shrink by that ratio, and by at
      // least one byte, so the loop ends.
      long rawJson = Math.max(1, document.length - overhead);
      long fitting = (long) keep * Math.max(0, maxBytes - overhead) / rawJson;
      keep = (int) Math.min(keep - 1, fitting);
    }
  }

  /** {@code value}, or its first {@link #MAX_FIELD_CHARS} characters and "…". */
  private static String capped(String value) {
    if (value == null || value.length() <= MAX_FIELD_CHARS) {
      return value;
    }
    int end = MAX_FIELD_CHARS - 1;
    if (Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end) + "\u2026";
  }

  private static DeadLetter withRawPrefix(DeadLetter deadLetter, int bytes) {
    ByteBuffer raw = deadLetter.getRaw().duplicate();
    raw.limit(raw.position() + bytes);
    return DeadLetter.newBuilder(deadLetter).setRaw(raw.slice()).build();
  }

  private static byte[] json(DeadLetter deadLetter, boolean rawBase64, int sizeHint) {
    Utf8Writer json = new Utf8Writer(sizeHint);
    if (rawBase64) {
      EventJson.writeWithRawBase64(deadLetter, json);
    } else {
      EventJson.write(deadLetter, json);
    }
    return json.toByteArray();
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
