package dev.vigil.dashboards.index;

import java.io.Serializable;
import java.time.Instant;

/**
 * A set of time-based indices with one retention: {@code vigil-<name>-<period suffix>}, for example
 * {@code vigil-events-secret-2025.01} or {@code vigil-alerts-2025.01}.
 *
 * @param name {@code events-<class>}, {@code alerts} or {@code deadletters}
 * @param retention how long its indices are kept after their period ends
 * @param period how much event time one index covers
 */
public record IndexFamily(String name, Retention retention, IndexPeriod period)
    implements Serializable {

  public String prefix() {
    return IndexContract.PREFIX + name + "-";
  }

  /** The index that holds a document of this family with the given time. */
  public String indexFor(Instant time) {
    return prefix() + period.suffix(time);
  }
}
