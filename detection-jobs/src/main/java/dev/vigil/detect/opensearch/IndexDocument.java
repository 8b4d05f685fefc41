package dev.vigil.detect.opensearch;

import dev.vigil.event.Source;

/**
 * One document on its way to OpenSearch: where it goes, its id, and its JSON, serialized once.
 *
 * @param index the concrete index (from the {@code IndexContract})
 * @param id the document id: {@code event_id}, {@code alert_id}, or a dead letter's digest, so a
 *     replay overwrites instead of adding a copy
 * @param json the document, one line of JSON
 * @param origin where the document's record came from, for a dead letter if OpenSearch refuses it
 * @param source the source of the record, when known (a dead letter's {@code source_guess})
 */
public record IndexDocument(String index, String id, String json, String origin, Source source) {

  /** The document's size on the wire, in UTF-8 bytes, counted without encoding it. */
  public long sizeInBytes() {
    long bytes = json.length();
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c)) {
          bytes += 2; // four bytes for the pair, two chars already counted
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes + index.length() + id.length() + 48; // the action line
  }
}
