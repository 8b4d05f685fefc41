package dev.vigil.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One raw record as read from a file or topic, before any parsing: its exact bytes and where it
 * came from. An envelope ({@code {"Records":[...]}}) is one raw record that may yield many events.
 *
 * <p>{@code readFailure} is null for a record read whole. Otherwise reading its file failed inside
 * it (a cut-off or corrupt gzip file, an I/O error): the bytes are those read before the failure,
 * maybe none, and the text says what happened, for the dead letter the record becomes.
 */
public record RawRecord(byte[] bytes, String origin, String readFailure) {

  public RawRecord {
    if (bytes == null || origin == null) {
      throw new IllegalArgumentException("bytes and origin are required");
    }
  }

  public RawRecord(byte[] bytes, String origin) {
    this(bytes, origin, null);
  }

  public static RawRecord of(String text, String origin) {
    return new RawRecord(text.getBytes(StandardCharsets.UTF_8), origin);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawRecord that
        && origin.equals(that.origin)
        && Arrays.equals(bytes, that.bytes)
        && Objects.equals(readFailure, that.readFailure);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * origin.hashCode() + Arrays.hashCode(bytes)) + Objects.hashCode(readFailure);
  }

  /** Never prints the bytes: a raw record must not reach application logs. */
  @Override
  public String toString() {
    return "RawRecord[" + bytes.length + " bytes from " + origin + "]";
  }
}
