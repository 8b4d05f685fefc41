package dev.vigil.detect.route;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.detect.CanonicalFields;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.SearchCompiler;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.VigilEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One way of partitioning events, and the part of the pack that runs behind it: every rule whose
 * groups are formed by the same fields shares a route, so one keyed record per event and route
 * reaches the one subtask that owns the event's group.
 *
 * @param index position among the pack's routes, for the operator's arrays; never in a key, since a
 *     rule added or removed before it moves it
 * @param id the route's identity, the first part of every key of this route (see {@link
 *     #identity}): the same for the same kind and fields in any pack, so keyed state follows its
 *     route across pack changes
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
    String id,
    Kind kind,
    String description,
    CompiledPack pack,
    Duration retention,
    List<KeyedRule> keyedRules,
    EventProjection projection) {

  /**
   * A base rule of the full pack that feeds the route, and the fields that key its matches.
   *
   * @param indexLookup the rule's index key as the router looks it up, resolved once (the router
   *     asks for it for every event and rule); null when the key cannot turn events away cheaply
   */
  public record KeyedRule(CompiledRule rule, List<FieldRef> fields, IndexLookup indexLookup) {
    public KeyedRule(CompiledRule rule, List<FieldRef> fields) {
      this(rule, fields, IndexLookup.of(rule.indexKey()));
    }
  }

  /** What decides a route's key. */
  public enum Kind {
    /** Single-event rules without suppression: matching events, keyed by their request. */
    EVENT,
    /** Single-event rules with {@code suppress.by}: matching events, keyed by those fields. */
    SUPPRESS,
    /** Correlations: events of their base rules, keyed by the group-by fields. */
    CORRELATION
  }

  /** Separates a key's route identity from its group values; no value holds it. */
  private static final char ROUTE_END = '\u001e';

  /**
   * Hash characters in a route identity: 48 bits, so a pack's routes never share one in practice.
   */
  private static final int ID_HASH_CHARS = 8;

  /**
   * The identity of a route of a kind whose groups are formed as {@code signature} says (its
   * fields, or a correlation's id when its base rules group by different fields): a letter for the
   * kind (so it is never a number, as a position was in keys written before identities) and the
   * start of the signature's SHA-256, URL-safe Base64. Short because it starts every key in state,
   * deterministic in every JVM.
   */
  static String identity(Kind kind, String signature) {
    byte[] hash;
    try {
      hash =
          MessageDigest.getInstance("SHA-256").digest(signature.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    String letter = kind.name().substring(0, 1).toLowerCase(Locale.ROOT);
    return letter
        + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, ID_HASH_CHARS);
  }

  /**
   * The key for a group: the route's identity, then the group values, with separators no value
   * holds.
   */
  static String key(String routeId, List<String> values) {
    StringBuilder key = new StringBuilder(64).append(routeId).append(ROUTE_END);
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        key.append('\u001f');
      }
      key.append(values.get(i));
    }
    return key.toString();
  }

  /** This route's key for a group: {@link #key(String, List)} with this route's identity. */
  public String keyFor(List<String> values) {
    return key(id, values);
  }

  /** The route identity a key starts with; null for a key without one. */
  public static String routeIdOf(String key) {
    int end = key.indexOf(ROUTE_END);
    return end < 0 ? null : key.substring(0, end);
  }

  /** The group values part of a key (everything after the route); null for a key without one. */
  public static String groupOf(String key) {
    int end = key.indexOf(ROUTE_END);
    return end < 0 ? null : key.substring(end + 1);
  }

  /**
   * The route position a key written before route identities starts with (state of a savepoint of
   * an earlier version), or -1 when the key does not start with a plain position.
   */
  public static int legacyPositionOf(String key) {
    String prefix = routeIdOf(key);
    if (prefix == null || prefix.isEmpty() || prefix.length() > 9) {
      return -1;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (prefix.charAt(i) < '0' || prefix.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(prefix);
  }

  /**
   * Whether the base rule (of the full pack) matches the event. A rule whose index key is a
   * canonical scalar is first looked up the way the engine's filter index does (the field's value,
   * lower-cased, among the key's values): a plain comparison turns most events away before the
   * rule's detection runs.
   */
  static boolean matches(KeyedRule keyed, VigilEvent event) {
    CompiledRule rule = keyed.rule();
    return (rule.mapping() == null
            || rule.mapping().source() == null
            || rule.mapping().source() == event.event().getSource())
        && (keyed.indexLookup() == null || keyed.indexLookup().admits(event.event()))
        && rule.predicate().test(event);
  }

  /**
   * A rule's index key on a canonical scalar (only such a field is free to read; a raw path or a
   * list is left to the detection): the field's reader and the key's values.
   */
  public static final class IndexLookup {
    private final Function<AuditEvent, Object> reader;
    private final String[] values;
    private final Set<String> valueSet;

    private IndexLookup(Function<AuditEvent, Object> reader, Set<String> values) {
      this.reader = reader;
      this.values = values.toArray(String[]::new);
      this.valueSet = Set.copyOf(values);
    }

    /** The lookup of an index key, or null when it has none the router can use. */
    static IndexLookup of(SearchCompiler.IndexKey key) {
      if (key == null
          || !(key.field() instanceof FieldRef.Canonical field)
          || !CanonicalFields.isScalar(field.path())) {
        return null;
      }
      return new IndexLookup(field.reader(), key.values());
    }

    /** False only when the index key rules the event out; true when it cannot tell. */
    boolean admits(AuditEvent event) {
      String text = VigilEvent.scalarText(reader.apply(event));
      if (text == null) {
        return false;
      }
      for (String value : values) {
        if (value.equalsIgnoreCase(text)) {
          return true;
        }
      }
      // Past ASCII, lower-casing and a case-blind comparison may disagree: ask as the index does.
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) >= 0x80) {
          return valueSet.contains(text.toLowerCase(Locale.ROOT));
        }
      }
      return false;
    }
  }
}
