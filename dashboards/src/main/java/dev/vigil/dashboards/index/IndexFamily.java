package dev.vigil.dashboards.index;

import java.io.Serializable;
import java.time.Instant;

/**
 * A set of time-based indices with one retention: {@code <index prefix><name>-<period suffix>}, for
 * example {@code vigil-events-secret-2025.01} or {@code vigil-alerts-2025.01} (the prefix is the
 * contract's, {@link IndexContract#prefix()}).
 *
 * @param name {@code events-<class>}, {@code alerts} or {@code deadletters}
 * @param retention how long its indices are kept after their period ends
 * @param period how much event time one index covers
 */
public record IndexFamily(String name, Retention retention, IndexPeriod period)
    implements Serializable {

  /** The index that holds a document of this family with the given time. */
  String indexFor(String indexPrefix, Instant time) {
    return indexPrefix + name + "-" + period.suffix(time);
  }
}
