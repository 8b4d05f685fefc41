package dev.vigil.ingest;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;

/**
 * Where the normalizer puts its results: every raw record ends in exactly one of these calls per
 * record it holds.
 *
 * <p>An exception thrown by either method is the output's failure, not the record's: it propagates
 * out of {@link Normalizer#normalize} unchanged (the records after it in an envelope are not
 * normalized), so that the caller fails as it would on any write error.
 */
public interface NormalizeOutput {

  void event(AuditEvent event);

  void deadLetter(DeadLetter deadLetter);
}
