package dev.vigil.rules.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sigma's condition grammar, with the spec's precedence: {@code not} binds tightest, then {@code
 * and}, then {@code or}; parentheses group; {@code 1 of} / {@code all of} take an identifier
 * pattern ({@code *} wildcards) or {@code them}. Keywords are case-insensitive.
 *
 * <p>Sigma 1's aggregations ({@code | count() by x > 5}) and {@code near} are rejected with a
 * message that says what to use instead.
 *
 * <p>A condition nests at most {@value #MAX_NESTING} levels of parentheses and {@code not}, and
 * joins at most {@value #MAX_JOINS} terms with {@code and}/{@code or}: the parser, and the matcher
 * that evaluates the tree for every event, recurse once per level, and no rule an author writes
 * comes near either bound, while a condition past them (a fuzz finding: 3,000 parentheses) would
 * overflow the stack instead of being refused with a message.
 */
public final class ConditionParser {

  static final int MAX_NESTING = 100;
  static final int MAX_JOINS = 1000;

  private final String text;
  private final List<String> tokens;
  private int position;
  private int nesting;

  private ConditionParser(String text, List<String> tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /** The condition's tree; {@link IllegalArgumentException} explains what is wrong and where. */
  public static Condition parse(String text) {
    int pipe = text.indexOf('|');
    if (pipe >= 0 && text.substring(pipe + 1).strip().toLowerCase(Locale.ROOT).startsWith("near")) {
      throw new IllegalArgumentException(
          "'| near' was removed in Sigma 2: use a correlation rule of type temporal (or"
              + " temporal_ordered) that references the rules to be near each other");
    }
    if (pipe >= 0) {
      throw new IllegalArgumentException(
          "aggregation expressions ('| count() by ...') were removed in Sigma 2: use a"
              + " correlation rule (type event_count or value_count) that references this rule");
    }
    ConditionParser parser = new ConditionParser(text, tokenize(text));
    if (parser.tokens.isEmpty()) {
      throw new IllegalArgumentException("the condition is empty");
    }
    long joins =
        parser.tokens.stream()
            .filter(t -> t.equalsIgnoreCase("and") || t.equalsIgnoreCase("or"))
            .count();
    if (joins > MAX_JOINS) {
      throw new IllegalArgumentException(
          "the condition joins "
              + (joins + 1)
              + " terms with 'and'/'or', more than "
              + MAX_JOINS
              + ": name the searches alike and use '1 of name_*' or 'all of name_*'");
    }
    Condition condition = parser.or();
    if (parser.position < parser.tokens.size()) {
      throw parser.unexpected();
    }
    return condition;
  }

  private Condition or() {
    Condition left = and();
    while (peekKeyword("or")) {
      position++;
      left = new Condition.Or(left, and());
    }
    return left;
  }

  private Condition and() {
    Condition left = not();
    while (peekKeyword("and")) {
      position++;
      left = new Condition.And(left, not());
    }
    return left;
  }

  private Condition not() {
    if (peekKeyword("not")) {
      position++;
      enter();
      Condition negated = new Condition.Not(not());
      nesting--;
      return negated;
    }
    return primary();
  }

  private Condition primary() {
    if (position >= tokens.size()) {
      throw new IllegalArgumentException("the condition '" + text + "' ends too early");
    }
    String token = tokens.get(position);
    if (token.equals("(")) {
      position++;
      enter();
      Condition inner = or();
      nesting--;
      if (position >= tokens.size() || !tokens.get(position).equals(")")) {
        throw new IllegalArgumentException("the condition '" + text + "' misses a ')'");
      }
      position++;
      return inner;
    }
    String lower = token.toLowerCase(Locale.ROOT);
    if (position + 1 < tokens.size() && tokens.get(position + 1).equalsIgnoreCase("of")) {
      boolean all;
      if (lower.equals("all")) {
        all = true;
      } else if (lower.equals("1")) {
        all = false;
      } else {
        throw new IllegalArgumentException(
            "'"
                + token
                + " of' is not Sigma: use '1 of' or 'all of' in the condition '"
                + text
                + "'");
      }
      position += 2;
      if (position >= tokens.size() || isOperator(tokens.get(position))) {
        throw new IllegalArgumentException(
            "'" + token + " of' needs an identifier pattern or 'them' in '" + text + "'");
      }
      String pattern = tokens.get(position++);
      return new Condition.Quantified(all, pattern.equalsIgnoreCase("them") ? "them" : pattern);
    }
    if (lower.equals("near")) {
      throw new IllegalArgumentException(
          "'near' is a Sigma 1 aggregation: write a temporal correlation rule instead");
    }
    if (isOperator(token)) {
      throw unexpected();
    }
    position++;
    return new Condition.Ref(token);
  }

  private void enter() {
    if (++nesting > MAX_NESTING) {
      throw new IllegalArgumentException(
          "the condition nests parentheses and 'not' more than "
              + MAX_NESTING
              + " levels deep: write it with fewer levels");
    }
  }

  private boolean peekKeyword(String keyword) {
    return position < tokens.size() && tokens.get(position).equalsIgnoreCase(keyword);
  }

  private static boolean isOperator(String token) {
    return switch (token.toLowerCase(Locale.ROOT)) {
      case "and", "or", "not", "(", ")", "of" -> true;
      default -> false;
    };
  }

  private IllegalArgumentException unexpected() {
    return new IllegalArgumentException(
        "unexpected '" + tokens.get(position) + "' in the condition '" + text + "'");
  }

  private static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(' || c == ')' || Character.isWhitespace(c)) {
        if (!word.isEmpty()) {
          tokens.add(word.toString());
          word.setLength(0);
        }
        if (!Character.isWhitespace(c)) {
          tokens.add(String.valueOf(c));
        }
      } else {
        word.append(c);
      }
    }
    if (!word.isEmpty()) {
      tokens.add(word.toString());
    }
    return tokens;
  }
}
