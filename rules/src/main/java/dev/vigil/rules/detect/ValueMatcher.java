package dev.vigil.rules.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.spi.IpAddresses;
import dev.vigil.rules.engine.VigilEvent;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One value of a Sigma field selection, with its modifiers applied: it judges a field's value.
 *
 * <p>A field holding a list (a canonical list, or a raw path crossing arrays) matches when any
 * element matches; a field holding a JSON object or array is also judged by its JSON text, so
 * {@code requestParameters|contains: x} works as upstream authors intend.
 */
public sealed interface ValueMatcher extends TextTest {

  /** Judges any field value, following the list and JSON-text rules above. */
  default boolean matches(Object value, VigilEvent event) {
    return value == null ? matchesNull() : anyText(value, event, this);
  }

  /**
   * Whether {@code test} holds for any text a matcher compares for a (non-null) value: the text of
   * a scalar; for a list, its items (a null item as {@link TextTest#matchesNull}) and its JSON
   * text; for a JSON array, its scalar items and its JSON text; for a JSON object, its JSON text.
   * The engine's pre-selection reads a value through the same walk, so it sees every text a matcher
   * could match.
   */
  static boolean anyText(Object value, VigilEvent event, TextTest test) {
    // Indexed loops: this runs for every value of every field a rule or the pre-selection reads,
    // and an iterator per call was garbage.
    if (value instanceof List<?> list) {
      for (int i = 0, n = list.size(); i < n; i++) {
        Object item = list.get(i);
        if (item == null ? test.matchesNull() : anyText(item, event, test)) {
          return true;
        }
      }
      return test.matchesText(event.jsonText(list), event);
    }
    if (value instanceof JsonNode node) {
      if (node.isArray()) {
        for (int i = 0, n = node.size(); i < n; i++) {
          JsonNode item = node.get(i);
          if (item.isValueNode()
              && (item.isNull() ? test.matchesNull() : anyText(scalar(item), event, test))) {
            return true;
          }
        }
      }
      return test.matchesText(event.jsonText(node), event);
    }
    return test.matchesText(VigilEvent.scalarText(value), event);
  }

  private static Object scalar(JsonNode item) {
    if (item.isTextual()) {
      return item.textValue();
    }
    return item.isNumber() ? item.numberValue() : item.asText();
  }

  /** A string value with wildcards (also numbers and booleans, by their text). */
  record Text(StringPattern pattern) implements ValueMatcher {
    @Override
    public boolean matchesText(String text, VigilEvent event) {
      return pattern.comparesLowerCase()
          ? pattern.matchesPrepared(event.lowerCase(text))
          : pattern.matches(text);
    }

    @Override
    public String toString() {
      return pattern.toString();
    }
  }

  /** Sigma {@code null}: the field is absent or null. */
  record Null() implements ValueMatcher {
    @Override
    public boolean matchesText(String text, VigilEvent event) {
      return false;
    }

    @Override
    public boolean matchesNull() {
      return true;
    }

    @Override
    public String toString() {
      return "null";
    }
  }

  /**
   * {@code |re}: a Java regular expression, found anywhere in the value (unanchored). {@code
   * required} is a literal every match contains (see {@link RequiredLiterals}), or null: a value
   * without it is rejected by a plain search, without running the regex (an unanchored {@code .+}
   * costs time quadratic in the value's length when it fails).
   *
   * <p>The value is the record sender's to choose, and Java's regexes backtrack: {@code .*a.*b}
   * costs time cubic in the value's length when it fails, and a repeated group such as {@code
   * (a|b)*} recurses once per character, so a long value overflows the thread's stack (which Esper
   * caught, logging an error with a stack trace for every such value). The first stalls the
   * detection job on one record, and again on every restart from before it. So a regex reads at
   * most {@link #STEPS_PER_CHARACTER} characters per character of the value (plus {@link
   * #BASE_STEPS}), and a value it cannot judge within that, or within the stack, does not match it
   * (docs/rules.md says so to rule authors); the event counts it ({@link
   * VigilEvent#regexOverBudget}), for the operator's metric.
   */
  record Regex(Pattern pattern, String required) implements ValueMatcher {

    static final long STEPS_PER_CHARACTER = 64;
    static final long BASE_STEPS = 1_000_000;

    public static Regex of(Pattern pattern) {
      return new Regex(pattern, RequiredLiterals.of(pattern));
    }

    @Override
    public boolean matchesText(String text, VigilEvent event) {
      if (required != null
          && RequiredLiterals.indexOf(
                  text, required, 0, (pattern.flags() & Pattern.CASE_INSENSITIVE) != 0)
              < 0) {
        return false;
      }
      try {
        return pattern
            .matcher(new Budgeted(text, BASE_STEPS + STEPS_PER_CHARACTER * text.length()))
            .find();
      } catch (OutOfSteps | StackOverflowError cannotJudge) {
        // Counted, not logged: a hostile stream would make a line per record.
        event.countRegexOverBudget();
        return false;
      }
    }

    /** A value that counts the characters the regex reads, and stops it past its budget. */
    private static final class Budgeted implements CharSequence {
      private final String text;
      private long steps;

      Budgeted(String text, long steps) {
        this.text = text;
        this.steps = steps;
      }

      @Override
      public char charAt(int index) {
        if (--steps < 0) {
          throw OutOfSteps.INSTANCE;
        }
        return text.charAt(index);
      }

      @Override
      public int length() {
        return text.length();
      }

      @Override
      public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
      }

      @Override
      public String toString() {
        return text;
      }
    }

    /** Thrown often on a hostile stream: one instance, without a stack trace. */
    private static final class OutOfSteps extends RuntimeException {
      static final OutOfSteps INSTANCE = new OutOfSteps();

      private OutOfSteps() {
        super("the regex read more characters than its budget", null, false, false);
      }
    }

    @Override
    public String toString() {
      return "re '" + pattern.pattern() + "'";
    }
  }

  /** {@code |cidr}: an IPv4 or IPv6 network. */
  record Cidr(byte[] network, int prefix, String text) implements ValueMatcher {

    public static Cidr parse(String cidr) {
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      String normalized = IpAddresses.normalize(address);
      if (normalized == null) {
        throw new IllegalArgumentException("'" + cidr + "' is not a CIDR network");
      }
      byte[] bytes = bytes(normalized);
      int prefix;
      try {
        prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + cidr + "' has no valid prefix length");
      }
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("'" + cidr + "' has a prefix longer than the address");
      }
      return new Cidr(bytes, prefix, cidr);
    }

    private static byte[] bytes(String literal) {
      try {
        // A normalized literal never triggers a lookup.
        return InetAddress.getByName(literal).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + literal + "' is not an IP address");
      }
    }

    @Override
    public boolean matchesText(String text, VigilEvent event) {
      String normalized = IpAddresses.normalize(text);
      if (normalized == null) {
        return false;
      }
      byte[] address = bytes(normalized);
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return "cidr " + text;
    }
  }

  /** {@code |lt}, {@code |lte}, {@code |gt}, {@code |gte}: numeric comparison. */
  record Compare(String operator, BigDecimal bound) implements ValueMatcher {
    @Override
    public boolean matchesText(String text, VigilEvent event) {
      BigDecimal value;
      try {
        value = new BigDecimal(text.trim());
      } catch (NumberFormatException e) {
        return false;
      }
      int order = value.compareTo(bound);
      return switch (operator) {
        case "lt" -> order < 0;
        case "lte" -> order <= 0;
        case "gt" -> order > 0;
        case "gte" -> order >= 0;
        default -> throw new IllegalStateException(operator);
      };
    }

    @Override
    public String toString() {
      return operator + " " + bound.toPlainString();
    }
  }

  /**
   * {@code |fieldref}: equal to another field of the same event (or starting/ending with or
   * containing it, with those modifiers).
   */
  record FieldReference(FieldRef other, boolean before, boolean after, boolean cased)
      implements ValueMatcher {
    @Override
    public boolean matchesText(String text, VigilEvent event) {
      String otherText = VigilEvent.scalarText(other.read(event));
      if (otherText == null) {
        return false;
      }
      String value = cased ? text : text.toLowerCase(Locale.ROOT);
      String needle = cased ? otherText : otherText.toLowerCase(Locale.ROOT);
      if (before && after) {
        return value.contains(needle);
      }
      if (before) {
        return value.endsWith(needle);
      }
      if (after) {
        return value.startsWith(needle);
      }
      return value.equals(needle);
    }

    @Override
    public String toString() {
      return "fieldref " + other.key();
    }
  }
}
