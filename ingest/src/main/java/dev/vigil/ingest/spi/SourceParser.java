package dev.vigil.ingest.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 */
public interface SourceParser {

  Source source();

  /**
   * How sure this parser is that the record is of its source, from its shape alone: 0 for "not
   * mine", higher for more distinctive keys. Format detection picks the highest score.
   */
  int recognize(ObjectNode record);

  /**
   * Builds the event. {@code raw} is the record's exact text and {@code origin} where it came from;
   * both go into the event unchanged.
   */
  AuditEvent parse(ObjectNode record, String raw, String origin) throws RecordRejectedException;
}
