package dev.vigil.detect.route;

import dev.vigil.rules.detect.EventPredicate;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.ValueMatcher;
import dev.vigil.rules.engine.CompiledCorrelation;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import java.util.Collection;
import java.util.List;

/**
 * Whether a compiled pack reads the raw record of an event: a raw field in a detection, a keyword
 * search, a {@code |fieldref} to a raw field, an index key, a {@code suppress.by}, group-by or
 * counted field on a raw path. Everything else a rule, a correlation or an alert reads is a
 * canonical field (alerts take the event's id, source, time and the canonical fields of their
 * summary), so a route whose pack reads no raw field judges an event without its raw record exactly
 * as with it.
 *
 * <p>A kind of predicate or field this class does not know fails the plan (an exception when the
 * routes are planned) rather than being taken for canonical.
 */
final class RawReads {

  private RawReads() {}

  static boolean of(CompiledPack pack) {
    for (CompiledRule rule : pack.rules()) {
      if (reads(rule.predicate())
          || (rule.indexKey() != null && raw(rule.indexKey().field()))
          || anyRaw(rule.suppressBy())) {
        return true;
      }
    }
    for (CompiledCorrelation correlation : pack.correlations()) {
      for (List<FieldRef> fields : correlation.groupFields().values()) {
        if (anyRaw(fields)) {
          return true;
        }
      }
      if (anyRaw(correlation.valueFields().values())) {
        return true;
      }
    }
    return false;
  }

  private static boolean reads(EventPredicate predicate) {
    if (predicate instanceof EventPredicate.All all) {
      return all.parts().stream().anyMatch(RawReads::reads);
    } else if (predicate instanceof EventPredicate.Any any) {
      return any.parts().stream().anyMatch(RawReads::reads);
    } else if (predicate instanceof EventPredicate.Not not) {
      return reads(not.operand());
    } else if (predicate instanceof EventPredicate.FieldMatch match) {
      return raw(match.field()) || match.values().stream().anyMatch(RawReads::reads);
    } else if (predicate instanceof EventPredicate.Exists exists) {
      return raw(exists.field());
    } else if (predicate instanceof EventPredicate.Keywords) {
      return true;
    } else if (predicate instanceof EventPredicate.FromSource) {
      return false;
    }
    throw new IllegalStateException("unknown kind of predicate: " + predicate.getClass());
  }

  private static boolean reads(ValueMatcher matcher) {
    return matcher instanceof ValueMatcher.FieldReference reference && raw(reference.other());
  }

  private static boolean anyRaw(Collection<FieldRef> fields) {
    return fields.stream().anyMatch(RawReads::raw);
  }

  private static boolean raw(FieldRef field) {
    if (field instanceof FieldRef.Raw) {
      return true;
    } else if (field instanceof FieldRef.Canonical) {
      return false;
    }
    throw new IllegalStateException("unknown kind of field: " + field.getClass());
  }
}
