package dev.vigil.ingest.spi;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.Source;
import dev.vigil.ingest.RecordRejectedException;

/**
 * Maps one record of one source to the canonical event. Implementations are stateless and
 * thread-safe; one instance serves every record of its source.
 *
 * <p>The normalizer has already checked the bytes (UTF-8, size, depth), parsed the JSON and
 * unwrapped envelopes, so {@link #parse} sees one record object. A record with a genuine defect (no
 * time, a digest file, a trimmed excerpt) is refused with {@link RecordRejectedException}; any
 * other exception is a bug in the parser and becomes an {@code INTERNAL_ERROR} dead letter.
 *
 * <p>Detection calls {@link #recognize} and then {@link #parse} with the same {@link SourceRecord},
 * so what recognizing read can be kept for parsing ({@link SourceRecord#view}).
 */
public interface SourceParser {

  Source source();

  /**
   * How sure this parser is that the record is of its source, from its shape alone: 0 for "not
   * mine", higher for more distinctive keys. Format detection picks the highest score.
   */
  int recognize(SourceRecord record);

  /**
   * Whether a top-level key spelled {@code key} can make {@link #recognize} score above 0: a record
   * with none of the keys a parser claims scores 0 with it, so detection does not ask it (an Azure
   * record is not scored by the CloudTrail parser). Detection caches the answer per spelling, so it
   * must depend on the spelling alone. By default every key: the parser scores every record.
   */
  default boolean recognizesKey(String key) {
    return true;
  }

  /**
   * Builds the event. The record's {@code raw} text and {@code origin} go into the event unchanged.
   */
  AuditEvent parse(SourceRecord record) throws RecordRejectedException;
}
