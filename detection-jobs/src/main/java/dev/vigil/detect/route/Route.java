package dev.vigil.detect.route;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.detect.CanonicalFields;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.SearchCompiler;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.VigilEvent;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One way of partitioning events, and the part of the pack that runs behind it: every rule whose
 * groups are formed by the same fields shares a route, so one keyed record per event and route
 * reaches the one subtask that owns the event's group.
 *
 * @param index position among the pack's routes; the first part of every key of this route
 * @param kind what the route's rules look at
 * @param description the fields it keys by, for logs and docs
 * @param pack the rules of this route only, compiled (the engine of a route sees only its events,
 *     so it must not hold rules keyed otherwise)
 * @param retention how long after the watermark passes an event the route keeps it in state, so a
 *     restored engine can rebuild its windows and suppression: the longest window plus suppression
 *     period of the route's rules
 * @param keyedRules each base rule of the full pack that feeds this route, once, with the fields
 *     whose values form the key of the events it matches (none for the rules of the event route,
 *     which keys the events they match by request), in the order the router tries them
 * @param projection what of an event the route's engine needs (see {@link EventProjection}): its
 *     events travel and are held with that only
 */
public record Route(
    int index,
    Kind kind,
    String description,
    CompiledPack pack,
    Duration retention,
    List<KeyedRule> keyedRules,
    EventProjection projection) {

  /** Whether the route's rules read the raw record; when not, its events travel without it. */
  public boolean readsRaw() {
    return projection.keepsRaw();
  }

  /** A base rule of the full pack that feeds the route, and the fields that key its matches. */
  public record KeyedRule(CompiledRule rule, List<FieldRef> fields) {}

  /** What decides a route's key. */
  public enum Kind {
    /** Single-event rules without suppression: matching events, keyed by their request. */
    EVENT,
    /** Single-event rules with {@code suppress.by}: matching events, keyed by those fields. */
    SUPPRESS,
    /** Correlations: events of their base rules, keyed by the group-by fields. */
    CORRELATION
  }

  /** The key for a group: the route, then the group values, with separators no value holds. */
  static String key(int route, List<String> values) {
    StringBuilder key = new StringBuilder(64).append(route).append('\u001e');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        key.append('\u001f');
      }
      key.append(values.get(i));
    }
    return key.toString();
  }

  /** The route index a key belongs to. */
  public static int routeOf(String key) {
    return Integer.parseInt(key, 0, key.indexOf('\u001e'), 10);
  }

  /**
   * Whether the base rule (of the full pack) matches the event. A rule whose index key is a
   * canonical scalar is first looked up the way the engine's filter index does (the field's value,
   * lower-cased, among the key's values): a plain comparison turns most events away before the
   * rule's detection runs.
   */
  static boolean matches(CompiledRule rule, VigilEvent event) {
    return (rule.mapping() == null
            || rule.mapping().source() == null
            || rule.mapping().source().name().equals(event.getSource()))
        && admitted(rule.indexKey(), event.event())
        && rule.predicate().test(event);
  }

  /** False only when the index key rules the event out; true when it cannot tell. */
  private static boolean admitted(SearchCompiler.IndexKey key, AuditEvent event) {
    // Only a canonical scalar is free to read; a raw path or a list is left to the detection.
    if (key == null
        || !(key.field() instanceof FieldRef.Canonical field)
        || !CanonicalFields.isScalar(field.path())) {
      return true;
    }
    String text = VigilEvent.scalarText(CanonicalFields.read(event, field.path()));
    if (text == null) {
      return false;
    }
    for (String value : key.values()) {
      if (value.equalsIgnoreCase(text)) {
        return true;
      }
    }
    // Past ASCII, lower-casing and a case-blind comparison may disagree: ask as the index does.
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return key.values().contains(text.toLowerCase(Locale.ROOT));
      }
    }
    return false;
  }
}
