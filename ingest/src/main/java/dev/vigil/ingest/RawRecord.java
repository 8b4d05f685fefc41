package dev.vigil.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One raw record as read from a file or topic, before any parsing: its exact bytes and where it
 * came from. An envelope ({@code {"Records":[...]}}) is one raw record that may yield many events.
 */
public record RawRecord(byte[] bytes, String origin) {

  public RawRecord {
    if (bytes == null || origin == null) {
      throw new IllegalArgumentException("bytes and origin are required");
    }
  }

  public static RawRecord of(String text, String origin) {
    return new RawRecord(text.getBytes(StandardCharsets.UTF_8), origin);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawRecord that
        && origin.equals(that.origin)
        && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * origin.hashCode() + Arrays.hashCode(bytes);
  }

  /** Never prints the bytes: a raw record must not reach application logs. */
  @Override
  public String toString() {
    return "RawRecord[" + bytes.length + " bytes from " + origin + "]";
  }
}
