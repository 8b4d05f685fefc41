package dev.vigil.detect.opensearch;

import dev.vigil.event.Source;

/**
 * One document on its way to OpenSearch: where it goes, its id, and its JSON, serialized once,
 * straight to the UTF-8 bytes the bulk request carries.
 *
 * @param index the concrete index (from the {@code IndexContract})
 * @param id the document id: {@code event_id}, {@code alert_id}, or a dead letter's digest, so a
 *     replay overwrites instead of adding a copy
 * @param json the document, one line of JSON in UTF-8; never modified once the document exists
 * @param origin where the document's record came from, for a dead letter if OpenSearch refuses it
 * @param source the source of the record, when known (a dead letter's {@code source_guess})
 */
public record IndexDocument(String index, String id, byte[] json, String origin, Source source) {

  /** The document's size on the wire, in bytes: the JSON and its action line. */
  public long sizeInBytes() {
    return json.length + index.length() + id.length() + 48L;
  }
}
