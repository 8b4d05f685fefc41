package dev.vigil.detect.route;

import dev.vigil.rules.detect.EventPredicate;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.engine.CompiledCorrelation;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a compiled pack reads of an event: the canonical fields named by its detections ({@code
 * |fieldref}s included), index keys, {@code suppress.by}, group-by and counted fields, and whether
 * it reads the raw record at all (a raw field anywhere, or a keyword search).
 *
 * <p>A kind of predicate or field this class does not know fails the plan (an exception when the
 * routes are planned) rather than being taken for one that reads nothing.
 */
public final class FieldReads {

  private final Set<String> canonical = new LinkedHashSet<>();
  private boolean raw;

  private FieldReads() {}

  public static FieldReads of(CompiledPack pack) {
    FieldReads reads = new FieldReads();
    for (CompiledRule rule : pack.rules()) {
      if (rule.mapping() != null && rule.mapping().source() != null) {
        reads.canonical.add("source");
      }
      reads.add(rule.predicate());
      if (rule.indexKey() != null) {
        reads.add(rule.indexKey().field());
      }
      reads.addAll(rule.suppressBy());
    }
    for (CompiledCorrelation correlation : pack.correlations()) {
      correlation.groupFields().values().forEach(reads::addAll);
      reads.addAll(correlation.valueFields().values());
    }
    return reads;
  }

  /** Whether the pack reads any field of the raw record. */
  public boolean raw() {
    return raw;
  }

  /** The canonical paths the pack reads ({@link dev.vigil.rules.detect.CanonicalFields}). */
  public Set<String> canonical() {
    return Set.copyOf(canonical);
  }

  private void add(EventPredicate predicate) {
    predicate.forEachReader(
        reader -> {
          if (reader instanceof EventPredicate.FieldMatch match) {
            match.forEachField(this::add);
          } else if (reader instanceof EventPredicate.Exists exists) {
            add(exists.field());
          } else if (reader instanceof EventPredicate.Keywords) {
            raw = true;
          } else if (reader instanceof EventPredicate.FromSource) {
            canonical.add("source");
          } else {
            throw new IllegalStateException("unknown kind of predicate: " + reader.getClass());
          }
        });
  }

  private void addAll(Collection<FieldRef> fields) {
    fields.forEach(this::add);
  }

  private void add(FieldRef field) {
    if (field instanceof FieldRef.Raw) {
      raw = true;
    } else if (field instanceof FieldRef.Canonical canonicalField) {
      canonical.add(canonicalField.path());
    } else {
      throw new IllegalStateException("unknown kind of field: " + field.getClass());
    }
  }

  @Override
  public String toString() {
    return (raw ? "raw and " : "") + List.copyOf(canonical);
  }
}
