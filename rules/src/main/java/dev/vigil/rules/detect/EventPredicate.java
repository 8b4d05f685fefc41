package dev.vigil.rules.detect;

import dev.vigil.rules.engine.VigilEvent;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A compiled detection (or part of one): judges one event. Immutable and thread-safe.
 *
 * <p>Every event is judged by many predicates (the router's and each engine's), so the tests walk
 * their lists by index: an iterator per test was a large share of the job's garbage. The lists are
 * copied to immutable ones, whose {@code get} is constant-time.
 */
public sealed interface EventPredicate {

  boolean test(VigilEvent event);

  /**
   * Hands {@code reader} every part of this tree that reads the event itself ({@link FieldMatch},
   * {@link Exists}, {@link Keywords}, {@link FromSource}), through every and, or and not: what
   * plans a pack's reads ahead (the raw parse's paths, the router's projection) walks this.
   */
  default void forEachReader(Consumer<EventPredicate> reader) {
    if (this instanceof All all) {
      all.parts().forEach(part -> part.forEachReader(reader));
    } else if (this instanceof Any any) {
      any.parts().forEach(part -> part.forEachReader(reader));
    } else if (this instanceof Not not) {
      not.operand().forEachReader(reader);
    } else {
      reader.accept(this);
    }
  }

  record All(List<EventPredicate> parts) implements EventPredicate {
    public All {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean test(VigilEvent event) {
      for (int i = 0, n = parts.size(); i < n; i++) {
        if (!parts.get(i).test(event)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return parts.stream().map(Object::toString).collect(Collectors.joining(" and ", "(", ")"));
    }
  }

  record Any(List<EventPredicate> parts) implements EventPredicate {
    public Any {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean test(VigilEvent event) {
      for (int i = 0, n = parts.size(); i < n; i++) {
        if (parts.get(i).test(event)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return parts.stream().map(Object::toString).collect(Collectors.joining(" or ", "(", ")"));
    }
  }

  record Not(EventPredicate operand) implements EventPredicate {
    @Override
    public boolean test(VigilEvent event) {
      return !operand.test(event);
    }

    @Override
    public String toString() {
      return "not " + operand;
    }
  }

  /**
   * A field against its values: any value (or every value with {@code |all}); with {@code |neq} the
   * field must be present and match none of them.
   */
  record FieldMatch(FieldRef field, List<ValueMatcher> values, boolean all, boolean notEqual)
      implements EventPredicate {
    public FieldMatch {
      values = List.copyOf(values);
    }

    /** The fields this match reads: its own, and those its {@code |fieldref} values name. */
    public void forEachField(Consumer<FieldRef> sink) {
      sink.accept(field);
      for (ValueMatcher value : values) {
        if (value instanceof ValueMatcher.FieldReference reference) {
          sink.accept(reference.other());
        }
      }
    }

    @Override
    public boolean test(VigilEvent event) {
      Object value = field.read(event);
      int n = values.size();
      if (notEqual) {
        if (value == null) {
          return false;
        }
        for (int i = 0; i < n; i++) {
          if (values.get(i).matches(value, event)) {
            return false;
          }
        }
        return true;
      }
      if (all) {
        for (int i = 0; i < n; i++) {
          if (!values.get(i).matches(value, event)) {
            return false;
          }
        }
        return true;
      }
      for (int i = 0; i < n; i++) {
        if (values.get(i).matches(value, event)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      String list =
          values.size() == 1
              ? values.get(0).toString()
              : values.stream()
                  .map(Object::toString)
                  .collect(Collectors.joining(all ? " and " : ", ", all ? "all(" : "any(", ")"));
      return field.key() + (notEqual ? " not in " : " = ") + list;
    }
  }

  /**
   * {@code |exists}: the field is present (or, with false, absent), whatever its value: Sigma's
   * {@code exists} "only verifies the presence of a field, not its value, be it empty or null"
   * (Sigma modifiers appendix). See {@link FieldRef#present}.
   */
  record Exists(FieldRef field, boolean expected) implements EventPredicate {
    @Override
    public boolean test(VigilEvent event) {
      return field.present(event) == expected;
    }

    @Override
    public String toString() {
      return field.key() + (expected ? " exists" : " does not exist");
    }
  }

  /** Keywords: substrings of the raw record, case-insensitive unless {@code |cased}. */
  record Keywords(List<StringPattern> patterns, boolean all) implements EventPredicate {
    public Keywords {
      patterns = List.copyOf(patterns);
    }

    @Override
    public boolean test(VigilEvent event) {
      for (int i = 0, n = patterns.size(); i < n; i++) {
        StringPattern pattern = patterns.get(i);
        String text = pattern.cased() ? event.event().getRaw() : event.rawLowerCase();
        boolean found = pattern.matchesPrepared(text);
        if (found != all) {
          return found;
        }
      }
      return all;
    }

    @Override
    public String toString() {
      return "raw contains "
          + patterns.stream()
              .map(Object::toString)
              .collect(Collectors.joining(all ? " and " : " or "));
    }
  }

  /** The event comes from one of these sources (from the rule's logsource). */
  record FromSource(String source) implements EventPredicate {
    @Override
    public boolean test(VigilEvent event) {
      return event.getSource().equals(source);
    }

    @Override
    public String toString() {
      return "source = " + source;
    }
  }
}
