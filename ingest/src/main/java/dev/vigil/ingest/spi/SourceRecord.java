package dev.vigil.ingest.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One record as the normalizer hands it to the {@link SourceParser}s: its JSON object, its exact
 * text ({@code raw}) and where it came from.
 *
 * <p>Design: detection and parsing of a record share this object, so that neither pays twice for
 * what the other already did. A parser that indexes the record to recognize it (Azure folds the
 * case of its top-level keys) keeps that index for {@link SourceParser#parse} through {@link
 * #view}; and the SHA-256 id of a record without an id of its own is taken from the UTF-8 bytes the
 * normalizer read ({@link #rawId}) rather than from encoding the text again. One record, one
 * thread: not thread-safe.
 */
public final class SourceRecord {

  private final ObjectNode json;
  private final String raw;
  private final String origin;
  private final byte[] utf8;
  private final int utf8Offset;
  private final int utf8Length;
  private Function<ObjectNode, ?> viewReader;
  private Object view;

  private SourceRecord(
      ObjectNode json, String raw, String origin, byte[] utf8, int utf8Offset, int utf8Length) {
    if (json == null || raw == null || origin == null) {
      throw new IllegalArgumentException("json, raw and origin are required");
    }
    this.json = json;
    this.raw = raw;
    this.origin = origin;
    this.utf8 = utf8;
    this.utf8Offset = utf8Offset;
    this.utf8Length = utf8Length;
  }

  public static SourceRecord of(ObjectNode json, String raw, String origin) {
    return new SourceRecord(json, raw, origin, null, 0, 0);
  }

  /**
   * A record whose text the caller also holds as bytes: {@code length} bytes of {@code utf8} from
   * {@code offset} must be exactly the UTF-8 encoding of {@code raw} (as they are when {@code raw}
   * was strictly decoded from them).
   */
  public static SourceRecord of(
      ObjectNode json, String raw, String origin, byte[] utf8, int offset, int length) {
    return new SourceRecord(json, raw, origin, utf8, offset, length);
  }

  /** A record known only as a tree (a tool or test that built it): raw is its compact JSON text. */
  public static SourceRecord of(ObjectNode json) {
    String text = json.toString();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new SourceRecord(json, text, "memory", bytes, 0, bytes.length);
  }

  /** The record's JSON object. */
  public ObjectNode json() {
    return json;
  }

  /** The record's exact text; it goes into the event unchanged. */
  public String raw() {
    return raw;
  }

  /** Where the record came from; it goes into the event unchanged. */
  public String origin() {
    return origin;
  }

  /** {@link EventIds#ofRaw} of {@link #raw}, hashing the bytes already in hand when there are. */
  public String rawId() {
    return utf8 != null ? EventIds.ofUtf8(utf8, utf8Offset, utf8Length) : EventIds.ofRaw(raw);
  }

  /**
   * What {@code reader} makes of the record, computed once: a second call with the same reader (a
   * constant, compared by identity) returns the first result. Holds one view at a time, which is
   * all a record needs: only the parser that recognizes it parses it.
   */
  @SuppressWarnings("unchecked")
  public <T> T view(Function<ObjectNode, T> reader) {
    if (viewReader != reader) {
      view = reader.apply(json);
      viewReader = reader;
    }
    return (T) view;
  }
}
