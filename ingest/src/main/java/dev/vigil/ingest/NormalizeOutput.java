package dev.vigil.ingest;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;

/**
 * Where the normalizer puts its results: every raw record ends in exactly one of these calls per
 * record it holds.
 */
public interface NormalizeOutput {

  void event(AuditEvent event);

  void deadLetter(DeadLetter deadLetter);
}
