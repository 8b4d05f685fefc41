package dev.vigil.detect.route;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.detect.CanonicalFields;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * The part of an event a route's engine needs: the fields its rules read ({@link FieldReads}) and
 * those every alert takes ({@link #ALERT_FIELDS}); the others are emptied, so that what travels to
 * the detect operator through the shuffle, and sits in its state and its engines' windows until the
 * route's retention has passed, is as small as the rules allow.
 *
 * <p>Design: an emptied field is null where the schema allows it, empty text or an empty list where
 * it does not; numbers, flags and enums are kept (they cost a byte or two). The projected event
 * shares every kept value (and every nested record it keeps whole) with the original: both are
 * serialized at once (the router's output goes through the shuffle) and nothing modifies them. The
 * raw record is kept only when a rule reads it. A route whose rules read everything gets the event
 * itself.
 *
 * <p>The alerts of a route are the same for the projected event as for the whole one: rules see
 * every field they read, and an alert takes the event's id, source and time and the canonical
 * fields of its summary, which {@link #ALERT_FIELDS} lists (EventProjectionTest holds that list to
 * the engine's alerts).
 */
public final class EventProjection {

  /**
   * What the engine's alerts read of an event: id, source and time (the alert's ids, sources and
   * window; the request key is made of source and id), and the fields of the one-line summary (a
   * failed act's error text among them).
   */
  static final Set<String> ALERT_FIELDS =
      Set.of(
          "event_id",
          "time",
          "source",
          "actor.id",
          "actor.name",
          "actor.root",
          "denied",
          "outcome",
          "error_code",
          "error_message",
          "operation",
          "action",
          "target.resource",
          "target.account",
          "src.ip");

  private static final Schema SCHEMA = AuditEvent.getClassSchema();

  /** Per top-level field: null when kept whole, else what each of its parts becomes. */
  private final Part[] parts;

  private final boolean whole;

  private EventProjection(Set<String> kept) {
    List<Schema.Field> fields = SCHEMA.getFields();
    parts = new Part[fields.size()];
    boolean all = true;
    for (Schema.Field field : fields) {
      Part part = Part.of(field.name(), field.schema(), kept);
      parts[field.pos()] = part;
      all &= part == null;
    }
    whole = all;
  }

  /** The projection for a route whose rules read {@code reads}. */
  public static EventProjection of(FieldReads reads) {
    Set<String> kept =
        Stream.of(reads.canonical(), ALERT_FIELDS, reads.raw() ? Set.of("raw") : Set.<String>of())
            .flatMap(Set::stream)
            .collect(Collectors.toSet());
    for (String path : kept) {
      if (!path.equals("raw") && !CanonicalFields.isCanonical(path)) {
        throw new IllegalStateException("not a canonical field: " + path);
      }
    }
    return new EventProjection(kept);
  }

  /** Whether the raw record is kept. */
  public boolean keepsRaw() {
    return parts[SCHEMA.getField("raw").pos()] == null;
  }

  /** The event with only what the route needs; the event itself when that is everything. */
  public AuditEvent apply(AuditEvent event) {
    if (whole) {
      return event;
    }
    AuditEvent projected = new AuditEvent();
    for (int field = 0; field < parts.length; field++) {
      Object value = event.get(field);
      projected.put(field, parts[field] == null ? value : parts[field].apply(value));
    }
    return projected;
  }

  /**
   * What a dropped field, or a record with dropped fields, becomes: {@code empty} for a dropped
   * field, {@code nested} (per field, null when kept) for a record of which something is dropped.
   */
  private record Part(Object empty, Schema record, Part[] nested) {

    /** Null when the field at {@code path} is kept whole. */
    static Part of(String path, Schema schema, Set<String> kept) {
      if (kept.contains(path)) {
        return null;
      }
      if (schema.getType() == Schema.Type.RECORD) {
        Part[] nested = new Part[schema.getFields().size()];
        boolean any = false;
        for (Schema.Field field : schema.getFields()) {
          nested[field.pos()] = of(path + "." + field.name(), field.schema(), kept);
          any |= nested[field.pos()] != null;
        }
        return any ? new Part(null, schema, nested) : null;
      }
      return switch (schema.getType()) {
        case UNION ->
            schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)
                ? new Part(null, null, null)
                : null;
        case STRING -> new Part("", null, null);
        case ARRAY -> new Part(List.of(), null, null);
        // Numbers, flags and enums: a byte or two, kept.
        default -> null;
      };
    }

    Object apply(Object value) {
      if (record == null) {
        return empty;
      }
      IndexedRecord from = (IndexedRecord) value;
      IndexedRecord to = (IndexedRecord) SpecificData.get().newRecord(null, record);
      for (int field = 0; field < nested.length; field++) {
        Object part = from.get(field);
        to.put(field, nested[field] == null ? part : nested[field].apply(part));
      }
      return to;
    }
  }
}
