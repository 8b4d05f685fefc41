package dev.vigil.rules.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.model.SigmaRule;
import dev.vigil.rules.yaml.YamlDocument;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a Sigma rule's detection into an {@link EventPredicate}, with Sigma's semantics: a map
 * ANDs its fields, a list of maps ORs them, a list of values ORs unless {@code |all}, a list of
 * plain values is a keyword search; values are case-insensitive unless {@code |cased}.
 *
 * <p>Modifiers are applied left to right as the spec says: value transformations ({@code expand},
 * {@code wide}/{@code utf16*}, {@code base64}, {@code base64offset}, {@code windash}) first, then
 * the wildcard wrappers ({@code contains}, {@code startswith}, {@code endswith}), with the kind of
 * comparison ({@code re}, {@code cidr}, {@code lt}..., {@code fieldref}, {@code exists}) and the
 * flags ({@code all}, {@code cased}, {@code neq}) anywhere. Anything else is refused with the file,
 * the line and the modifier's name; nothing is silently ignored.
 *
 * <p>Besides the predicate, the compiler reports an <em>index key</em>: exact values one field must
 * hold in every match, which the EPL exposes to Esper's filter index so that a rule costs nothing
 * for events that cannot match it. Keys combine through the condition: {@code and} keeps the keys
 * of both sides, {@code or} (and {@code 1 of}, and a list of maps) keeps a field both sides
 * require, with the union of their values, so {@code 1 of selection_*} over two eventNames is one
 * {@code operation in (a, b)} key; the logsource's {@code where} adds its own. The cheapest key
 * wins: a canonical scalar (free to read) before a raw path (which parses the raw record once per
 * event), then the fewest values.
 */
public final class SearchCompiler {

  /** Modifiers Sigma defines that Vigil does not implement: named in errors and in the docs. */
  public static final Set<String> UNSUPPORTED_MODIFIERS =
      Set.of("minute", "hour", "day", "week", "month", "year");

  private final SigmaRule rule;
  private final LogSources.LogsourceMapping mapping;
  private final Map<String, List<String>> lists;
  private final List<RuleError> errors = new ArrayList<>();
  private final String file;

  /** The result: the predicate and, when found, the index key. */
  public record Compiled(EventPredicate predicate, IndexKey indexKey) {}

  /**
   * {@code field in (values)}: lower-cased exact values one field must hold for the rule to match.
   * A canonical scalar field is free to read; any other field (a raw path, a list) may hold several
   * values or a container, which the lookup reports as {@link #MULTI_VALUED}: that marker is always
   * one of such a key's values, so those events reach the rule's full detection.
   */
  public record IndexKey(FieldRef field, Set<String> values) {

    /** The lookup's value for a field holding a list or an object (never a lower-cased text). */
    public static final String MULTI_VALUED = "(multi-valued)";

    /** Whether reading the field costs nothing (a canonical scalar, no raw parse). */
    public boolean canonical() {
      return field instanceof FieldRef.Canonical canonical
          && CanonicalFields.isScalar(canonical.path());
    }

    /** The values to look up, with the multi-valued marker for fields that may hold several. */
    public Set<String> lookupValues() {
      if (canonical()) {
        return values;
      }
      Set<String> out = new LinkedHashSet<>(values);
      out.add(MULTI_VALUED);
      return out;
    }

    /** Cheaper first: canonical before raw, then fewer values. */
    static IndexKey better(IndexKey a, IndexKey b) {
      if (a == null || b == null) {
        return a == null ? b : a;
      }
      if (a.canonical() != b.canonical()) {
        return a.canonical() ? a : b;
      }
      return b.values().size() < a.values().size() ? b : a;
    }
  }

  /** Required index keys of a detection part, by field key. */
  private record Keys(Map<String, IndexKey> byField) {
    static final Keys NONE = new Keys(Map.of());

    /**
     * Both parts hold: every key of either is required (the smaller value set on a shared field).
     */
    Keys and(Keys other) {
      Map<String, IndexKey> out = new LinkedHashMap<>(byField);
      other.byField.forEach(
          (field, key) ->
              out.merge(field, key, (a, b) -> b.values().size() < a.values().size() ? b : a));
      return new Keys(out);
    }

    /** Either part holds: only fields both require, with the union of their values. */
    Keys or(Keys other) {
      Map<String, IndexKey> out = new LinkedHashMap<>();
      byField.forEach(
          (field, key) -> {
            IndexKey theirs = other.byField.get(field);
            if (theirs != null) {
              Set<String> union = new LinkedHashSet<>(key.values());
              union.addAll(theirs.values());
              out.put(field, new IndexKey(key.field(), union));
            }
          });
      return new Keys(out);
    }

    IndexKey best() {
      IndexKey best = null;
      for (IndexKey key : byField.values()) {
        best = IndexKey.better(best, key);
      }
      return best;
    }
  }

  private SearchCompiler(
      SigmaRule rule, LogSources.LogsourceMapping mapping, Map<String, List<String>> lists) {
    this.rule = rule;
    this.mapping = mapping;
    this.lists = lists;
    this.file = rule.meta().file();
  }

  /**
   * Compiles the rule's detection, ANDed with its logsource's source and {@code where} selection.
   *
   * @param lists the pack's value lists, for {@code |expand}
   */
  public static Compiled compile(
      SigmaRule rule, LogSources logSources, Map<String, List<String>> lists) throws RuleException {
    LogSources.LogsourceMapping mapping;
    try {
      mapping = logSources.resolve(rule.logsource());
    } catch (IllegalArgumentException e) {
      throw new RuleException(
          new RuleError(rule.meta().file(), rule.document().lineOf("/logsource"), e.getMessage()));
    }
    SearchCompiler compiler = new SearchCompiler(rule, mapping, lists);
    Compiled compiled = compiler.compile();
    if (!compiler.errors.isEmpty()) {
      throw new RuleException(compiler.errors);
    }
    return compiled;
  }

  private Compiled compile() {
    Map<String, EventPredicate> searches = new LinkedHashMap<>();
    Map<String, Keys> searchKeys = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = rule.detection().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String pointer = YamlDocument.child("/detection", entry.getKey());
      EventPredicate search = search(entry.getValue(), pointer, searchKeys, entry.getKey());
      if (search != null) {
        searches.put(entry.getKey(), search);
      }
    }
    if (searches.isEmpty() && errors.isEmpty()) {
      error("/detection", "the detection has no search identifier");
    }
    List<EventPredicate> conditions = new ArrayList<>();
    List<Keys> conditionKeys = new ArrayList<>();
    for (String text : rule.condition()) {
      try {
        Condition condition = ConditionParser.parse(text);
        conditions.add(resolve(condition, searches, text));
        conditionKeys.add(required(condition, searchKeys, searches));
      } catch (IllegalArgumentException e) {
        error("/detection/condition", e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      return null;
    }
    List<EventPredicate> parts = new ArrayList<>();
    // A list of conditions is their OR; the logsource's `where` selection holds besides.
    Keys keys = conditionKeys.isEmpty() ? Keys.NONE : conditionKeys.get(0);
    for (Keys other :
        conditionKeys.subList(Math.min(1, conditionKeys.size()), conditionKeys.size())) {
      keys = keys.or(other);
    }
    if (mapping != null) {
      parts.add(new EventPredicate.FromSource(mapping.source().name()));
      if (mapping.where() != null) {
        Map<String, Keys> whereKeys = new LinkedHashMap<>();
        EventPredicate where = selection(mapping.where(), "/logsource", whereKeys, "logsource");
        if (where != null) {
          parts.add(where);
          keys = keys.and(whereKeys.get("logsource"));
        }
      }
    }
    parts.add(conditions.size() == 1 ? conditions.get(0) : new EventPredicate.Any(conditions));
    return new Compiled(
        parts.size() == 1 ? parts.get(0) : new EventPredicate.All(parts), keys.best());
  }

  /** The index keys every match of the condition must satisfy. */
  private static Keys required(
      Condition condition, Map<String, Keys> keys, Map<String, EventPredicate> searches) {
    if (condition instanceof Condition.And and) {
      return required(and.left(), keys, searches).and(required(and.right(), keys, searches));
    }
    if (condition instanceof Condition.Or or) {
      return required(or.left(), keys, searches).or(required(or.right(), keys, searches));
    }
    if (condition instanceof Condition.Ref ref) {
      return keys.getOrDefault(ref.name(), Keys.NONE);
    }
    if (condition instanceof Condition.Quantified quantified) {
      Keys out = null;
      for (String name : matching(quantified.pattern(), searches.keySet())) {
        Keys one = keys.getOrDefault(name, Keys.NONE);
        out = out == null ? one : quantified.all() ? out.and(one) : out.or(one);
      }
      return out == null ? Keys.NONE : out;
    }
    // `not x` requires nothing that can be looked up.
    return Keys.NONE;
  }

  private EventPredicate resolve(
      Condition condition, Map<String, EventPredicate> searches, String text) {
    if (condition instanceof Condition.Ref ref) {
      EventPredicate search = searches.get(ref.name());
      if (search == null) {
        throw new IllegalArgumentException(
            "the condition names '" + ref.name() + "', which the detection does not define");
      }
      return search;
    }
    if (condition instanceof Condition.And and) {
      return new EventPredicate.All(
          List.of(resolve(and.left(), searches, text), resolve(and.right(), searches, text)));
    }
    if (condition instanceof Condition.Or or) {
      return new EventPredicate.Any(
          List.of(resolve(or.left(), searches, text), resolve(or.right(), searches, text)));
    }
    if (condition instanceof Condition.Not not) {
      return new EventPredicate.Not(resolve(not.operand(), searches, text));
    }
    Condition.Quantified quantified = (Condition.Quantified) condition;
    List<String> names = matching(quantified.pattern(), searches.keySet());
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + (quantified.all() ? "all" : "1")
              + " of "
              + quantified.pattern()
              + "' matches no search identifier of the detection");
    }
    List<EventPredicate> parts = names.stream().map(searches::get).toList();
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return quantified.all() ? new EventPredicate.All(parts) : new EventPredicate.Any(parts);
  }

  /** Identifiers matching a pattern ({@code *} wildcards); {@code them} skips {@code _}-names. */
  static List<String> matching(String pattern, Set<String> names) {
    if (pattern.equals("them")) {
      return names.stream().filter(n -> !n.startsWith("_")).toList();
    }
    StringBuilder regex = new StringBuilder();
    String[] pieces = pattern.split("\\*", -1);
    for (int i = 0; i < pieces.length; i++) {
      regex.append(i > 0 ? ".*" : "").append(Pattern.quote(pieces[i]));
    }
    String expression = regex.toString();
    Pattern compiled = Pattern.compile(expression);
    return names.stream().filter(n -> compiled.matcher(n).matches()).toList();
  }

  // Search identifiers.

  private EventPredicate search(
      JsonNode node, String pointer, Map<String, Keys> keys, String name) {
    if (node.isObject()) {
      return selection(node, pointer, keys, name);
    }
    if (node.isArray()) {
      if (node.isEmpty()) {
        error(pointer, "search identifier '" + name + "' is an empty list");
        return null;
      }
      boolean maps = node.get(0).isObject();
      List<EventPredicate> alternatives = new ArrayList<>();
      Keys alternativeKeys = null;
      List<StringPattern> keywords = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        String itemPointer = YamlDocument.child(pointer, i);
        if (item.isObject() != maps || item.isArray()) {
          error(itemPointer, "search identifier '" + name + "' mixes maps and plain values");
          return null;
        }
        if (maps) {
          Map<String, Keys> itemKeys = new LinkedHashMap<>();
          EventPredicate alternative = selection(item, itemPointer, itemKeys, name);
          if (alternative != null) {
            alternatives.add(alternative);
            Keys one = itemKeys.getOrDefault(name, Keys.NONE);
            alternativeKeys = alternativeKeys == null ? one : alternativeKeys.or(one);
          }
        } else if (item.isNull()) {
          error(itemPointer, "a keyword cannot be null");
        } else {
          keywords.add(StringPattern.parse(item.asText(), false).wrap(true, true));
        }
      }
      if (maps) {
        if (keys != null && alternativeKeys != null) {
          keys.put(name, alternativeKeys);
        }
        return alternatives.size() == 1
            ? alternatives.get(0)
            : new EventPredicate.Any(alternatives);
      }
      return new EventPredicate.Keywords(List.copyOf(keywords), false);
    }
    if (node.isNull()) {
      error(pointer, "search identifier '" + name + "' is empty");
      return null;
    }
    return new EventPredicate.Keywords(
        List.of(StringPattern.parse(node.asText(), false).wrap(true, true)), false);
  }

  /** A map: every field must match. Records the index keys of its plain equalities in keys. */
  private EventPredicate selection(
      JsonNode node, String pointer, Map<String, Keys> keys, String name) {
    List<EventPredicate> fields = new ArrayList<>();
    Keys required = Keys.NONE;
    if (node.isEmpty()) {
      error(pointer, "search identifier '" + name + "' is an empty map");
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String fieldPointer = YamlDocument.child(pointer, entry.getKey());
      FieldSpec spec = field(entry.getKey(), entry.getValue(), fieldPointer);
      if (spec == null) {
        continue;
      }
      fields.add(spec.predicate());
      if (spec.indexKey() != null) {
        required = required.and(new Keys(Map.of(spec.indexKey().field().key(), spec.indexKey())));
      }
    }
    if (keys != null) {
      keys.put(name, required);
    }
    if (fields.isEmpty()) {
      return null;
    }
    return fields.size() == 1 ? fields.get(0) : new EventPredicate.All(fields);
  }

  private record FieldSpec(EventPredicate predicate, IndexKey indexKey) {}

  private FieldSpec field(String key, JsonNode value, String pointer) {
    String[] parts = key.split("\\|", -1);
    String fieldName = parts[0].trim();
    List<String> modifiers = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      modifiers.add(parts[i].trim().toLowerCase(Locale.ROOT));
    }
    List<JsonNode> values = new ArrayList<>();
    if (value.isArray()) {
      if (value.isEmpty()) {
        error(pointer, "field '" + fieldName + "' has an empty list of values");
        return null;
      }
      for (JsonNode item : value) {
        if (!item.isValueNode()) {
          error(pointer, "field '" + fieldName + "' must have plain values, not maps or lists");
          return null;
        }
        values.add(item);
      }
    } else if (value.isObject()) {
      error(pointer, "field '" + fieldName + "' must have a value or a list of values, not a map");
      return null;
    } else {
      values.add(value);
    }
    Modifiers mods = Modifiers.parse(modifiers);
    if (mods.error() != null) {
      error(pointer, mods.error());
      return null;
    }
    if (fieldName.isEmpty()) {
      return keywordsWithModifiers(values, mods, pointer);
    }
    FieldRef field;
    try {
      field = resolveField(fieldName);
    } catch (IllegalArgumentException e) {
      error(pointer, e.getMessage());
      return null;
    }
    if (mods.exists()) {
      if (values.size() != 1 || !values.get(0).isBoolean()) {
        error(pointer, "'|exists' takes true or false");
        return null;
      }
      return new FieldSpec(new EventPredicate.Exists(field, values.get(0).asBoolean()), null);
    }
    List<ValueMatcher> matchers = new ArrayList<>();
    for (JsonNode item : values) {
      try {
        matchers.addAll(matchers(item, mods));
      } catch (IllegalArgumentException e) {
        error(pointer, e.getMessage());
        return null;
      }
    }
    EventPredicate predicate =
        new EventPredicate.FieldMatch(
            field, List.copyOf(matchers), mods.all() && matchers.size() > 1, mods.neq());
    IndexKey indexKey = null;
    if (!mods.neq() && !(mods.all() && matchers.size() > 1)) {
      Set<String> exact = new LinkedHashSet<>();
      for (ValueMatcher matcher : matchers) {
        String literal =
            matcher instanceof ValueMatcher.Text text ? text.pattern().exactLowerCase() : null;
        if (literal == null) {
          exact = null;
          break;
        }
        exact.add(literal);
      }
      if (exact != null) {
        indexKey = new IndexKey(field, exact);
      }
    }
    return new FieldSpec(predicate, indexKey);
  }

  private FieldRef resolveField(String name) {
    if (mapping != null) {
      return mapping.field(name);
    }
    if (name.startsWith("raw.")) {
      return new FieldRef.Raw(List.of(name.substring(4)));
    }
    if (!CanonicalFields.isCanonical(name)) {
      throw new IllegalArgumentException(
          "unknown field '"
              + name
              + "': a rule without a logsource product reads canonical fields only ("
              + String.join(", ", CanonicalFields.PATHS)
              + ") or raw.<path>");
    }
    return new FieldRef.Canonical(name);
  }

  private FieldSpec keywordsWithModifiers(List<JsonNode> values, Modifiers mods, String pointer) {
    if (mods.kind() != Modifiers.Kind.TEXT || mods.neq() || !mods.transforms().isEmpty()) {
      error(pointer, "keywords take only the modifiers all, cased, contains, startswith, endswith");
      return null;
    }
    List<StringPattern> patterns = new ArrayList<>();
    for (JsonNode value : values) {
      patterns.add(StringPattern.parse(value.asText(), mods.cased()).wrap(true, true));
    }
    return new FieldSpec(new EventPredicate.Keywords(patterns, mods.all()), null);
  }

  /** The matchers one YAML value becomes (transformations may turn one value into several). */
  private List<ValueMatcher> matchers(JsonNode item, Modifiers mods) {
    if (item.isNull()) {
      if (mods.kind() != Modifiers.Kind.TEXT
          || !mods.transforms().isEmpty()
          || mods.wrapBefore()
          || mods.wrapAfter()) {
        throw new IllegalArgumentException("null takes no modifiers but neq");
      }
      return List.of(new ValueMatcher.Null());
    }
    String text = item.asText();
    switch (mods.kind()) {
      case REGEX:
        try {
          int flags = 0;
          flags |=
              mods.regexFlags().contains("i") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
          flags |= mods.regexFlags().contains("m") ? Pattern.MULTILINE : 0;
          flags |= mods.regexFlags().contains("s") ? Pattern.DOTALL : 0;
          return List.of(ValueMatcher.Regex.of(Pattern.compile(text, flags)));
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "invalid regular expression '" + text + "': " + e.getDescription());
        }
      case CIDR:
        return List.of(ValueMatcher.Cidr.parse(text));
      case COMPARE:
        try {
          return List.of(
              new ValueMatcher.Compare(mods.compareOperator(), new BigDecimal(text.trim())));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "'|" + mods.compareOperator() + "' needs a number, not '" + text + "'");
        }
      case FIELDREF:
        return List.of(
            new ValueMatcher.FieldReference(
                resolveField(text), mods.wrapBefore(), mods.wrapAfter(), mods.cased()));
      case TEXT:
      default:
        break;
    }
    List<String> plain = new ArrayList<>(List.of(text));
    boolean literal = false;
    for (String transform : mods.transforms()) {
      List<String> next = new ArrayList<>();
      for (String value : plain) {
        next.addAll(transform(transform, value, mods));
      }
      plain = next;
      literal |= transform.startsWith("base64");
    }
    List<ValueMatcher> out = new ArrayList<>();
    for (String value : plain) {
      StringPattern pattern =
          literal
              ? StringPattern.literal(value, mods.cased())
              : StringPattern.parse(value, mods.cased());
      out.add(new ValueMatcher.Text(pattern.wrap(mods.wrapBefore(), mods.wrapAfter())));
    }
    return out;
  }

  private List<String> transform(String transform, String value, Modifiers mods) {
    return switch (transform) {
      case "expand" -> expand(value);
      case "windash" -> windash(value);
      case "base64" -> List.of(Base64.getEncoder().encodeToString(encode(value, mods.encoding())));
      case "base64offset" -> base64Offsets(encode(value, mods.encoding()));
      default -> throw new IllegalStateException(transform);
    };
  }

  private List<String> expand(String value) {
    List<String> out = new ArrayList<>();
    int start = value.indexOf('%');
    int end = start < 0 ? -1 : value.indexOf('%', start + 1);
    if (start < 0 || end < 0) {
      throw new IllegalArgumentException("'|expand' needs a %placeholder% in '" + value + "'");
    }
    String name = value.substring(start + 1, end);
    List<String> list = lists.get(name);
    if (list == null) {
      throw new IllegalArgumentException(
          "'|expand' names the list '"
              + name
              + "', which the pack's lists/ do not define"
              + (lists.isEmpty() ? "" : " (" + String.join(", ", lists.keySet()) + ")"));
    }
    for (String item : list) {
      String replaced = value.substring(0, start) + item + value.substring(end + 1);
      out.addAll(
          replaced.indexOf('%') >= 0 && replaced.indexOf('%', replaced.indexOf('%') + 1) > 0
              ? expand(replaced)
              : List.of(replaced));
    }
    return out;
  }

  /** Windows dash variants of options: {@code -}, {@code /}, en dash, em dash, horizontal bar. */
  private static List<String> windash(String value) {
    Set<String> out = new LinkedHashSet<>();
    out.add(value);
    for (String dash : List.of("/", "\u2013", "\u2014", "\u2015")) {
      StringBuilder variant = new StringBuilder(value.length());
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        boolean option = c == '-' && (i == 0 || value.charAt(i - 1) == ' ');
        variant.append(option ? dash : String.valueOf(c));
      }
      out.add(variant.toString());
    }
    return List.copyOf(out);
  }

  private static byte[] encode(String value, String encoding) {
    return switch (encoding) {
      case "utf16le", "wide" -> value.getBytes(StandardCharsets.UTF_16LE);
      case "utf16be" -> value.getBytes(StandardCharsets.UTF_16BE);
      case "utf16" -> {
        byte[] body = value.getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[body.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(body, 0, withBom, 2, body.length);
        yield withBom;
      }
      default -> value.getBytes(StandardCharsets.UTF_8);
    };
  }

  /**
   * The three base64 forms of a value at any offset in a longer encoded text: the encoding of the
   * value shifted by 0, 1 and 2 bytes, cut to the characters that do not depend on neighbours.
   */
  static List<String> base64Offsets(byte[] value) {
    int[] startTrim = {0, 2, 3};
    int[] endTrim = {0, 3, 2};
    List<String> out = new ArrayList<>(3);
    for (int shift = 0; shift < 3; shift++) {
      byte[] shifted = new byte[value.length + shift];
      System.arraycopy(value, 0, shifted, shift, value.length);
      String encoded = Base64.getEncoder().encodeToString(shifted);
      out.add(
          encoded.substring(
              startTrim[shift], encoded.length() - endTrim[(value.length + shift) % 3]));
    }
    return out;
  }

  private void error(String pointer, String message) {
    errors.add(new RuleError(file, rule.document().lineOf(pointer), message));
  }
}
