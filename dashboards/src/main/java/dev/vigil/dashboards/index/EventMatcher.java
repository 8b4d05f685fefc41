package dev.vigil.dashboards.index;

import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.mapping.MappingTable;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * One {@code match} entry of the retention file: canonical field paths, each with one value or a
 * list of values; all fields must match, any value of a field may. Values are globs with the syntax
 * of the mapping tables ({@link MappingTable#glob}); a multi-valued field ({@code actor.policies})
 * matches when any of its values does.
 *
 * <p>It reads the fields of an {@link AuditEvent} by their Avro positions, resolved once. Paths are
 * checked against the AuditEvent schema when the file is read; {@code raw} cannot be matched
 * (classifying on record content beyond the canonical fields would make the index depend on
 * secret-bearing text).
 */
public final class EventMatcher implements Serializable {

  private final List<Condition> conditions;

  private EventMatcher(List<Condition> conditions) {
    this.conditions = List.copyOf(conditions);
  }

  /**
   * @param fields field path → one value or a list of values (strings, booleans, numbers)
   * @throws IllegalArgumentException naming the first path or value that cannot be matched
   */
  public static EventMatcher of(Map<String, List<String>> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a match entry needs at least one field");
    }
    List<Condition> conditions = new ArrayList<>();
    fields.forEach(
        (path, values) -> {
          if (values.isEmpty()) {
            throw new IllegalArgumentException("match." + path + " has no values");
          }
          FieldPath field = FieldPath.of(path);
          List<ValuePattern> patterns = new ArrayList<>();
          values.forEach(
              value -> {
                ValuePattern pattern = ValuePattern.of(value);
                field.checkValue(pattern);
                patterns.add(pattern);
              });
          conditions.add(new Condition(field, List.copyOf(patterns)));
        });
    return new EventMatcher(conditions);
  }

  public boolean matches(AuditEvent event) {
    for (Condition condition : conditions) {
      if (!condition.path.anyValue(event, condition)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return conditions.toString();
  }

  private record Condition(FieldPath path, List<ValuePattern> patterns) implements Serializable {
    boolean test(String value) {
      for (ValuePattern pattern : patterns) {
        if (pattern.matches(value)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return path + "=" + patterns;
    }
  }

  /**
   * One value as a glob. The matcher is a lambda, not serializable, so it is rebuilt from the text
   * when a Flink task manager deserializes the contract.
   */
  private static final class ValuePattern implements Serializable {
    private final String glob;
    private transient Predicate<String> matcher;

    private ValuePattern(String glob) {
      this.glob = glob;
      this.matcher = MappingTable.glob(glob);
    }

    static ValuePattern of(String value) {
      return new ValuePattern(value);
    }

    boolean isLiteral() {
      return glob.indexOf('*') < 0 && glob.indexOf('?') < 0;
    }

    boolean matches(String value) {
      return matcher.test(value);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      matcher = MappingTable.glob(glob);
    }

    @Override
    public String toString() {
      return glob;
    }
  }

  /** A path into the canonical event, resolved to Avro field positions once. */
  private static final class FieldPath implements Serializable {
    private final String path;
    private final String[] names;
    private final int[] positions;

    private FieldPath(String path, String[] names, int[] positions) {
      this.path = path;
      this.names = names;
      this.positions = positions;
    }

    static FieldPath of(String path) {
      String[] names = path.split("\\.", -1);
      int[] positions = new int[names.length];
      Schema schema = AuditEvent.getClassSchema();
      for (int i = 0; i < names.length; i++) {
        Schema.Field field = schema.getField(names[i]);
        if (field == null) {
          throw new IllegalArgumentException(
              "'" + path + "' is not a field of the canonical event (docs/schema.md)");
        }
        positions[i] = field.pos();
        schema = nonNull(field.schema());
        boolean leaf = i == names.length - 1;
        if (!leaf && schema.getType() != Schema.Type.RECORD) {
          throw new IllegalArgumentException("'" + path + "': " + names[i] + " has no fields");
        }
        if (leaf && schema.getType() == Schema.Type.RECORD) {
          throw new IllegalArgumentException(
              "'" + path + "' is a group of fields; name one of them, e.g. " + path + ".id");
        }
      }
      if (path.equals("raw")) {
        throw new IllegalArgumentException("'raw' cannot be matched: classify on canonical fields");
      }
      return new FieldPath(path, names, positions);
    }

    /**
     * Rejects a value the field can never hold (a misspelt category, {@code denied: yes}), which
     * would otherwise silently never match.
     */
    void checkValue(ValuePattern pattern) {
      if (!pattern.isLiteral()) {
        return;
      }
      Schema leaf = AuditEvent.getClassSchema();
      for (String name : names) {
        leaf = nonNull(leaf.getField(name).schema());
      }
      if (leaf.getType() == Schema.Type.ARRAY) {
        leaf = nonNull(leaf.getElementType());
      }
      String value = pattern.glob;
      boolean valid =
          switch (leaf.getType()) {
            case ENUM -> leaf.getEnumSymbols().stream().anyMatch(value::equalsIgnoreCase);
            case BOOLEAN -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
            case INT, LONG -> value.chars().allMatch(Character::isDigit) && !value.isEmpty();
            default -> true;
          };
      if (!valid) {
        String expected =
            leaf.getType() == Schema.Type.ENUM
                ? "one of " + leaf.getEnumSymbols()
                : "a " + leaf.getType().getName();
        throw new IllegalArgumentException(
            "'" + value + "' is never a value of " + path + " (expected " + expected + ")");
      }
    }

    boolean anyValue(AuditEvent event, Condition condition) {
      Object value = event;
      for (int position : positions) {
        if (!(value instanceof IndexedRecord record)) {
          return false;
        }
        value = record.get(position);
      }
      if (value instanceof Collection<?> items) {
        for (Object item : items) {
          if (item != null && condition.test(text(item))) {
            return true;
          }
        }
        return false;
      }
      return value != null && condition.test(text(value));
    }

    private static String text(Object value) {
      return value instanceof Enum<?> symbol ? symbol.name() : value.toString();
    }

    private static Schema nonNull(Schema schema) {
      if (schema.getType() != Schema.Type.UNION) {
        return schema;
      }
      for (Schema branch : schema.getTypes()) {
        if (branch.getType() != Schema.Type.NULL) {
          return branch;
        }
      }
      return schema;
    }

    @Override
    public String toString() {
      return path;
    }
  }
}
