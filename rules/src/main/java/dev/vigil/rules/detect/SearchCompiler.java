package dev.vigil.rules.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.model.SigmaRule;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
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
 * <p>Besides the predicate, the compiler reports a {@link Gate}: tests on the event that every
 * match passes (an exact value of a field, or a literal a field or the raw record contains), which
 * the engine evaluates for all rules at once so that a rule costs nothing for events that cannot
 * match it. Gates combine through the condition as {@link Gate} describes; the logsource's {@code
 * where} selection gives the gate of a rule whose condition has none.
 */
public final class SearchCompiler {

  /** Modifiers Sigma defines that Vigil does not implement: named in errors and in the docs. */
  public static final Set<String> UNSUPPORTED_MODIFIERS =
      Set.of("minute", "hour", "day", "week", "month", "year");

  private final SigmaRule rule;
  private final LogSources logSources;
  private final LogSources.LogsourceMapping mapping;
  private final Map<String, List<String>> lists;
  private final List<RuleError> errors = new ArrayList<>();
  private final List<RuleError> warnings = new ArrayList<>();
  private final Map<FieldRef, Set<String>> fieldNames = new LinkedHashMap<>();
  private final String file;

  /**
   * The result: the predicate, the gate when found (null: the rule has none), and warnings: fields
   * no record of the logsource's source is known to have ({@link LogSources#unknownField}).
   *
   * @param searches each search identifier's predicate, in the detection's order: the very objects
   *     the predicate is composed of, so judging one of them judges what the engine runs
   * @param logsource the part of the predicate that the logsource adds (its source and {@code
   *     where} selection), or null when the rule reads every source
   * @param fieldNames each field the detection reads, as the rule wrote it ({@code eventName} for
   *     the canonical {@code operation}; names that resolve to one field joined by {@code " / "}):
   *     explanations name fields in the author's words
   */
  public record Compiled(
      EventPredicate predicate,
      Gate gate,
      Map<String, EventPredicate> searches,
      EventPredicate logsource,
      List<RuleError> warnings,
      Map<FieldRef, String> fieldNames) {}

  /**
   * {@code field in (values)}: lower-cased exact values one field must hold for the rule to match
   * (a {@link Gate} of equalities on one field, see {@link Gate#indexKey}).
   */
  public record IndexKey(FieldRef field, Set<String> values) {}

  private SearchCompiler(
      SigmaRule rule,
      LogSources logSources,
      LogSources.LogsourceMapping mapping,
      Map<String, List<String>> lists) {
    this.rule = rule;
    this.logSources = logSources;
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
    } catch (LogSources.UnknownLogsource e) {
      // On the key's line, where the schema's finding for it is too: validate then shows this one.
      throw new RuleException(
          new RuleError(
              rule.meta().file(), rule.document().lineOf("/logsource/" + e.key()), e.getMessage()));
    }
    SearchCompiler compiler = new SearchCompiler(rule, logSources, mapping, lists);
    Compiled compiled = compiler.compile();
    if (!compiler.errors.isEmpty()) {
      throw new RuleException(compiler.errors, compiler.warnings);
    }
    Map<FieldRef, String> fieldNames = new LinkedHashMap<>();
    compiler.fieldNames.forEach((field, names) -> fieldNames.put(field, String.join(" / ", names)));
    return new Compiled(
        compiled.predicate(),
        compiled.gate(),
        compiled.searches(),
        compiled.logsource(),
        List.copyOf(compiler.warnings),
        Collections.unmodifiableMap(fieldNames));
  }

  private Compiled compile() {
    warnAboutWordBooleans();
    Map<String, EventPredicate> searches = new LinkedHashMap<>();
    Map<String, List<Gate>> searchGates = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = rule.detection().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String pointer = YamlDocument.child("/detection", entry.getKey());
      EventPredicate search = search(entry.getValue(), pointer, searchGates, entry.getKey());
      // A search with an error (null) still counts as defined, so that the condition naming it
      // is not reported as well; the rule is rejected for the error before anything runs.
      searches.put(entry.getKey(), search == null ? new EventPredicate.Any(List.of()) : search);
    }
    if (searches.isEmpty() && errors.isEmpty()) {
      error("/detection", "the detection has no search identifier");
    }
    List<EventPredicate> conditions = new ArrayList<>();
    List<List<Gate>> conditionGates = new ArrayList<>();
    for (String text : rule.condition()) {
      try {
        Condition condition = ConditionParser.parse(text);
        conditions.add(resolve(condition, searches, text));
        conditionGates.add(required(condition, searchGates, searches));
      } catch (IllegalArgumentException e) {
        error("/detection/condition", e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      return null;
    }
    List<EventPredicate> parts = new ArrayList<>();
    // A list of conditions is their OR; the logsource's `where` selection holds besides.
    List<Gate> gates = conditionGates.isEmpty() ? List.of() : conditionGates.get(0);
    for (List<Gate> other :
        conditionGates.subList(Math.min(1, conditionGates.size()), conditionGates.size())) {
      gates = Gate.or(gates, other);
    }
    if (mapping != null) {
      parts.add(new EventPredicate.FromSource(mapping.source().name()));
      if (mapping.where() != null) {
        Map<String, List<Gate>> whereGates = new LinkedHashMap<>();
        EventPredicate where = selection(mapping.where(), "/logsource", whereGates, "logsource");
        if (where != null) {
          parts.add(where);
          // The `where` selection describes the logsource, so most of its events pass it: its
          // gate serves only a rule whose condition has none.
          gates = gates.isEmpty() ? whereGates.get("logsource") : gates;
        }
      }
    }
    EventPredicate logsource =
        parts.isEmpty()
            ? null
            : parts.size() == 1 ? parts.get(0) : new EventPredicate.All(List.copyOf(parts));
    parts.add(conditions.size() == 1 ? conditions.get(0) : new EventPredicate.Any(conditions));
    return new Compiled(
        parts.size() == 1 ? parts.get(0) : new EventPredicate.All(parts),
        Gate.best(gates),
        Collections.unmodifiableMap(searches),
        logsource,
        List.of(),
        Map.of());
  }

  /**
   * A warning at each value of a search written {@code yes}, {@code no}, {@code on} or {@code off}
   * unquoted: YAML 1.1 reads it as a boolean, which matches by its text ({@code true}, {@code
   * false}), so {@code MFAUsed: No} never matches a record's {@code "No"}. The reading stays:
   * PyYAML reads it so too, and pySigma turns it into a boolean, so an upstream rule behaves here
   * as its author's tools make it behave. Not for {@code |exists}, whose value is a boolean by
   * meaning.
   */
  private void warnAboutWordBooleans() {
    rule.document().wordBooleans().entrySet().stream()
        .filter(word -> isSearchValue(word.getKey()) && !underExists(word.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            word -> {
              boolean value = rule.document().root().at(word.getKey()).asBoolean();
              warnings.add(
                  new RuleError(
                      file,
                      rule.document().lineOf(word.getKey()),
                      "warning: "
                          + word.getValue()
                          + " is read as the boolean "
                          + value
                          + " (YAML 1.1, as Sigma's own tools read it); quote it ('"
                          + word.getValue()
                          + "') if you mean the text"));
            });
  }

  /** Whether a pointer is inside one of the detection's search identifiers. */
  private boolean isSearchValue(String pointer) {
    String[] segments = pointer.split("/", -1);
    return segments.length > 2
        && segments[1].equals("detection")
        && rule.detection().has(unescape(segments[2]));
  }

  /** Whether the map key nearest to a pointer's value has the {@code exists} modifier. */
  private static boolean underExists(String pointer) {
    String[] segments = pointer.split("/", -1);
    for (int i = segments.length - 1; i > 2; i--) {
      if (!segments[i].chars().allMatch(Character::isDigit)) {
        return Arrays.asList(unescape(segments[i]).split("\\|")).contains("exists");
      }
    }
    return false;
  }

  private static String unescape(String segment) {
    return segment.replace("~1", "/").replace("~0", "~");
  }

  /** The gates every match of the condition passes (empty: none is known). */
  private static List<Gate> required(
      Condition condition, Map<String, List<Gate>> gates, Map<String, EventPredicate> searches) {
    if (condition instanceof Condition.And and) {
      return Gate.and(
          required(and.left(), gates, searches), required(and.right(), gates, searches));
    }
    if (condition instanceof Condition.Or or) {
      return Gate.or(required(or.left(), gates, searches), required(or.right(), gates, searches));
    }
    if (condition instanceof Condition.Ref ref) {
      return gates.getOrDefault(ref.name(), List.of());
    }
    if (condition instanceof Condition.Quantified quantified) {
      List<Gate> out = List.of();
      boolean first = true;
      for (String name : matching(quantified.pattern(), searches.keySet())) {
        List<Gate> one = gates.getOrDefault(name, List.of());
        out = first ? one : quantified.all() ? Gate.and(out, one) : Gate.or(out, one);
        first = false;
      }
      return out;
    }
    // `not x` requires nothing that can be tested.
    return List.of();
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

  /** A search identifier's predicate; its gate goes to {@code gates} under its name. */
  private EventPredicate search(
      JsonNode node, String pointer, Map<String, List<Gate>> gates, String name) {
    if (node.isObject()) {
      return selection(node, pointer, gates, name);
    }
    if (node.isArray()) {
      if (node.isEmpty()) {
        error(pointer, emptySearch(name, node));
        return null;
      }
      int mixed = firstOtherItem(node);
      if (mixed >= 0) {
        error(YamlDocument.child(pointer, mixed), mixesMapsAndPlainValues(name));
        return null;
      }
      boolean maps = node.get(0).isObject();
      List<EventPredicate> alternatives = new ArrayList<>();
      List<Gate> alternativesGates = List.of();
      List<StringPattern> keywords = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        String itemPointer = YamlDocument.child(pointer, i);
        if (maps) {
          Map<String, List<Gate>> itemGates = new LinkedHashMap<>();
          EventPredicate alternative = selection(item, itemPointer, itemGates, name);
          if (alternative != null) {
            List<Gate> one = itemGates.get(name);
            alternativesGates = alternatives.isEmpty() ? one : Gate.or(alternativesGates, one);
            alternatives.add(alternative);
          }
        } else if (item.isNull()) {
          error(itemPointer, "a keyword cannot be null");
        } else {
          keywords.add(StringPattern.parse(item.asText(), false).wrap(true, true));
        }
      }
      if (maps) {
        gates.put(name, alternativesGates);
        return alternatives.size() == 1
            ? alternatives.get(0)
            : new EventPredicate.Any(alternatives);
      }
      gates.put(name, keywordsGate(keywords, false));
      return new EventPredicate.Keywords(List.copyOf(keywords), false);
    }
    if (node.isNull()) {
      error(pointer, emptySearch(name, node));
      return null;
    }
    List<StringPattern> keyword =
        List.of(StringPattern.parse(node.asText(), false).wrap(true, true));
    gates.put(name, keywordsGate(keyword, false));
    return new EventPredicate.Keywords(keyword, false);
  }

  /**
   * In a search identifier's list, the first item not of the first item's kind (a map, or a plain
   * value: a list is neither), else -1: a list is a list of maps (OR) or a list of keywords.
   */
  public static int firstOtherItem(JsonNode search) {
    if (!search.isArray() || search.isEmpty()) {
      return -1;
    }
    boolean maps = search.get(0).isObject();
    for (int i = 0; i < search.size(); i++) {
      JsonNode item = search.get(i);
      if (item.isObject() != maps || item.isArray()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The error of a search identifier with nothing to search for (null, an empty map or list), else
   * null: {@code rules validate} says it in these words too, once, where the schema would say it
   * twice (the shape's emptiness and the other shapes' types).
   */
  public static String emptySearch(String name, JsonNode search) {
    String what;
    if (search.isNull()) {
      what = "is empty";
    } else if (search.isContainerNode() && search.isEmpty()) {
      what = "is an empty " + (search.isObject() ? "map" : "list");
    } else {
      return null;
    }
    return "search identifier '"
        + name
        + "' "
        + what
        + ": give it a field and value (or a list of keywords), or remove it";
  }

  /** The index of the first empty map in a search identifier's list of maps, else -1. */
  public static int firstEmptyMap(JsonNode search) {
    if (search.isArray() && firstOtherItem(search) < 0) {
      for (int i = 0; i < search.size(); i++) {
        if (search.get(i).isObject() && search.get(i).isEmpty()) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The error of a search identifier {@link #firstOtherItem} finds mixed, at that item. */
  public static String mixesMapsAndPlainValues(String name) {
    return "search identifier '"
        + name
        + "' mixes maps and plain values: write a list of maps (any of them matches) or a list"
        + " of values (keywords)";
  }

  /** A map: every field must match. Its gate (the best of its fields') goes to {@code gates}. */
  private EventPredicate selection(
      JsonNode node, String pointer, Map<String, List<Gate>> namedGates, String name) {
    List<EventPredicate> fields = new ArrayList<>();
    List<Gate> gates = List.of();
    if (node.isEmpty()) {
      error(pointer, emptySearch(name, node));
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
      gates = Gate.and(gates, spec.gates());
    }
    namedGates.put(name, gates);
    if (fields.isEmpty()) {
      return null;
    }
    return fields.size() == 1 ? fields.get(0) : new EventPredicate.All(fields);
  }

  /** A field selection's predicate and the gates its every match passes (empty: none). */
  private record FieldSpec(EventPredicate predicate, List<Gate> gates) {}

  /** The gate of keywords: a literal of one (with {@code all}) or of each in the raw record. */
  private static List<Gate> keywordsGate(List<StringPattern> patterns, boolean all) {
    List<List<Gate>> each = new ArrayList<>();
    for (StringPattern pattern : patterns) {
      String literal = pattern.gateLiteral();
      each.add(literal == null ? List.of() : Gate.of(new Gate.Contains(null, literal)));
    }
    return combine(each, all);
  }

  /** The gate of values that must all hold ({@code all}) or any of which must. */
  private static List<Gate> combine(List<List<Gate>> each, boolean all) {
    List<Gate> out = List.of();
    for (int i = 0; i < each.size(); i++) {
      out = i == 0 ? each.get(i) : all ? Gate.and(out, each.get(i)) : Gate.or(out, each.get(i));
    }
    return out;
  }

  /** The probe a value matcher's every match passes on its field, or null. */
  private static Gate.Probe probe(FieldRef field, ValueMatcher matcher) {
    if (matcher instanceof ValueMatcher.Text text) {
      String exact = text.pattern().exactLowerCase();
      if (exact != null) {
        return new Gate.Equals(field, exact);
      }
      String literal = text.pattern().gateLiteral();
      return literal == null ? null : new Gate.Contains(field, literal);
    }
    if (matcher instanceof ValueMatcher.Regex regex && regex.required() != null) {
      return new Gate.Contains(field, Gate.asciiLiteral(regex.required()));
    }
    return null;
  }

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
      field = resolveField(fieldName, pointer);
    } catch (IllegalArgumentException e) {
      error(pointer, e.getMessage());
      return null;
    }
    if (mods.exists()) {
      if (values.size() != 1 || !values.get(0).isBoolean()) {
        error(pointer, "'|exists' takes true or false");
        return null;
      }
      return new FieldSpec(new EventPredicate.Exists(field, values.get(0).asBoolean()), List.of());
    }
    // Per value written, the matchers it became: a transformation (windash, base64offset, expand)
    // turns one value into alternatives, any of which is a match of that value.
    List<List<ValueMatcher>> perValue = new ArrayList<>();
    for (JsonNode item : values) {
      try {
        perValue.add(matchers(item, mods, pointer));
      } catch (IllegalArgumentException e) {
        error(pointer, e.getMessage());
        return null;
      }
    }
    List<ValueMatcher> matchers = perValue.stream().flatMap(List::stream).toList();
    boolean all = mods.all() && perValue.size() > 1;
    EventPredicate predicate;
    if (all && !mods.neq() && perValue.stream().anyMatch(variants -> variants.size() > 1)) {
      // |all ANDs the values written, not their variants: `|windash|contains|all: [-a, -b]`
      // needs -a (or /a, ...) and -b (or /b, ...), never every dash at once.
      List<EventPredicate> each = new ArrayList<>();
      for (List<ValueMatcher> variants : perValue) {
        each.add(new EventPredicate.FieldMatch(field, variants, false, false));
      }
      predicate = new EventPredicate.All(each);
    } else {
      predicate = new EventPredicate.FieldMatch(field, matchers, all, mods.neq());
    }
    List<Gate> gates = List.of();
    if (!mods.neq()) {
      List<List<Gate>> each = new ArrayList<>();
      for (List<ValueMatcher> variants : perValue) {
        List<List<Gate>> ofVariants = new ArrayList<>();
        for (ValueMatcher matcher : variants) {
          Gate.Probe probe = probe(field, matcher);
          ofVariants.add(probe == null ? List.of() : Gate.of(probe));
        }
        each.add(combine(ofVariants, false));
      }
      gates = combine(each, all);
    }
    return new FieldSpec(predicate, gates);
  }

  /**
   * The field a name reads, remembered with the name (see {@link Compiled#fieldNames}); a name no
   * record is known to have gets a warning at its line.
   */
  private FieldRef resolveField(String name, String pointer) {
    FieldRef field = resolveFieldName(name, pointer);
    fieldNames.computeIfAbsent(field, f -> new LinkedHashSet<>()).add(name);
    return field;
  }

  private FieldRef resolveFieldName(String name, String pointer) {
    if (mapping != null) {
      FieldRef field = mapping.field(name);
      String unknown = logSources.unknownField(mapping, name);
      if (unknown != null) {
        warnings.add(new RuleError(file, rule.document().lineOf(pointer), unknown));
      }
      return field;
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
    return new FieldSpec(
        new EventPredicate.Keywords(patterns, mods.all()), keywordsGate(patterns, mods.all()));
  }

  /** The matchers one YAML value becomes (transformations may turn one value into several). */
  private List<ValueMatcher> matchers(JsonNode item, Modifiers mods, String pointer) {
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
                resolveField(text, pointer), mods.wrapBefore(), mods.wrapAfter(), mods.cased()));
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
      case "base64offset" -> {
        byte[] bytes = encode(value, mods.encoding());
        if (bytes.length < 2) {
          // A shorter value leaves an offset form with no character of its own: it would match
          // any text, or (empty) not even encode.
          throw new IllegalArgumentException(
              "'|base64offset' needs a value of two characters or more, not '" + value + "'");
        }
        yield base64Offsets(bytes);
      }
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
