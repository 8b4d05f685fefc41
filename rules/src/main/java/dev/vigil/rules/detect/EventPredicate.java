package dev.vigil.rules.detect;

import dev.vigil.rules.engine.VigilEvent;
import java.util.List;
import java.util.stream.Collectors;

/** A compiled detection (or part of one): judges one event. Immutable and thread-safe. */
public sealed interface EventPredicate {

  boolean test(VigilEvent event);

  record All(List<EventPredicate> parts) implements EventPredicate {
    @Override
    public boolean test(VigilEvent event) {
      for (EventPredicate part : parts) {
        if (!part.test(event)) {
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
    @Override
    public boolean test(VigilEvent event) {
      for (EventPredicate part : parts) {
        if (part.test(event)) {
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
    @Override
    public boolean test(VigilEvent event) {
      Object value = field.read(event);
      if (notEqual) {
        if (value == null) {
          return false;
        }
        for (ValueMatcher matcher : values) {
          if (matcher.matches(value, event)) {
            return false;
          }
        }
        return true;
      }
      if (all) {
        for (ValueMatcher matcher : values) {
          if (!matcher.matches(value, event)) {
            return false;
          }
        }
        return true;
      }
      for (ValueMatcher matcher : values) {
        if (matcher.matches(value, event)) {
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

  /** {@code |exists}: the field is present and not null (or, with false, absent or null). */
  record Exists(FieldRef field, boolean expected) implements EventPredicate {
    @Override
    public boolean test(VigilEvent event) {
      return (field.read(event) != null) == expected;
    }

    @Override
    public String toString() {
      return field.key() + (expected ? " exists" : " does not exist");
    }
  }

  /** Keywords: substrings of the raw record, case-insensitive unless {@code |cased}. */
  record Keywords(List<StringPattern> patterns, boolean all) implements EventPredicate {
    @Override
    public boolean test(VigilEvent event) {
      for (StringPattern pattern : patterns) {
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
