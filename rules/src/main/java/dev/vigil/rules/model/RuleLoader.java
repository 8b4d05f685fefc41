package dev.vigil.rules.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.yaml.YamlReader;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the rule model from a rule file's YAML: Sigma's attributes, Sigma correlations, and
 * Vigil's custom attributes ({@code tests}, {@code suppress}, {@code notify}, {@code version},
 * {@code detection_class}). Structural problems are reported with file and line; detection
 * semantics (modifiers, condition) are checked by the compiler, which has the field mappings.
 */
public final class RuleLoader {

  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Set<String> CONDITION_OPERATORS =
      Set.of("gt", "gte", "lt", "lte", "eq", "neq");
  private static final List<String> TEST_KEYS = List.of("name", "events", "expect");
  private static final List<String> TEST_EVENT_KEYS =
      List.of("event", "raw", "file", "repeat", "every");
  private static final List<String> EXPECT_KEYS = List.of("alerts", "rule", "group", "event_count");
  private static final List<String> CONDITION_KEYS =
      List.of("gt", "gte", "lt", "lte", "eq", "neq", "field");

  /**
   * The words of the enumerations the schema has too ({@code vigil-rule.schema.json}; {@code
   * RuleValidatorTest} checks that both list the same): compared as written, since Sigma writes
   * them in lower case and the schema compares exactly, so every command refuses {@code High}.
   */
  static final List<String> LEVELS = Arrays.stream(Level.values()).map(Level::label).toList();

  static final List<String> STATUSES =
      List.of("stable", "test", "experimental", "deprecated", "unsupported");
  static final List<String> CORRELATION_TYPES =
      Arrays.stream(CorrelationType.values()).map(CorrelationType::label).toList();
  static final List<String> DETECTION_CLASSES =
      List.of(
          "denied_access_spike",
          "root_token_use",
          "mass_secret_reads",
          "policy_change",
          "break_glass_use");

  private final String file;
  private final List<RuleError> errors = new ArrayList<>();
  private YamlDocument document;

  private RuleLoader(String file) {
    this.file = file;
  }

  /** Parses one rule file; every problem found is in the exception. */
  public static RuleFile load(String file, String text) throws RuleException {
    Checked checked = check(file, text);
    if (!checked.errors().isEmpty()) {
      throw new RuleException(checked.errors());
    }
    return checked.checkable();
  }

  /**
   * A rule file as far as it loads, for {@code vigil rules validate}: every error found, and the
   * documents the compiler can still check.
   *
   * @param checkable the documents without errors, those whose only errors are in attributes the
   *     compiler does not read ({@code level}, {@code version}, a misspelled attribute), and every
   *     correlation with an id and a title, whatever its errors: each of its attributes is read and
   *     checked on its own, so a wrong {@code timespan} leaves its references, {@code group-by},
   *     counted field and aliases for the compiler to check ({@link
   *     dev.vigil.rules.engine.PackCompiler#check}, which does not need the timespan nor the type).
   *     Compiling them finds the detection's errors and warnings too, so one run reports them all
   */
  public record Checked(RuleFile checkable, List<RuleError> errors) {}

  /**
   * Parses one rule file, keeping every error.
   *
   * @throws RuleException when the file is not YAML (nothing else can be checked then)
   */
  public static Checked check(String file, String text) throws RuleException {
    RuleLoader loader = new RuleLoader(file);
    List<RuleDocument> documents = new ArrayList<>();
    for (YamlDocument doc : YamlReader.read(file, text)) {
      RuleDocument parsed = loader.document(doc);
      if (parsed != null) {
        documents.add(parsed);
      }
    }
    if (documents.isEmpty() && loader.errors.isEmpty()) {
      // Line 1, not 0 (the whole file): editors jump to it as to any other error.
      loader.errors.add(new RuleError(file, 1, "the file holds no rule"));
    }
    return new Checked(new RuleFile(file, List.copyOf(documents)), List.copyOf(loader.errors));
  }

  /** The document's rule: valid, or with errors only in attributes the compiler does not read. */
  private RuleDocument document(YamlDocument doc) {
    this.document = doc;
    JsonNode root = doc.root();
    if (!root.isObject()) {
      error("", "a rule document must be a map of attributes");
      return null;
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      AttributeNames.misspelled(name)
          .ifPresent(
              known ->
                  error(
                      YamlDocument.child("", name),
                      "unknown attribute '"
                          + name
                          + "': did you mean '"
                          + known
                          + "'? (custom attributes are allowed, but not one this close to a known"
                          + " one, which would be ignored)"));
    }
    RuleMeta meta = meta(root, doc.line());
    // The compiler keys rules by id and shows titles: without them the rule cannot be checked.
    boolean compilable = meta.id() != null && meta.title() != null;
    if (root.has("correlation")) {
      CorrelationRule correlation = correlation(meta, root);
      return compilable ? correlation : null;
    }
    int before = errors.size();
    if (!root.has("detection")) {
      error("", "a rule needs 'detection' (or 'correlation')");
      return null;
    }
    SigmaRule rule = sigma(meta, root);
    boolean clean = errors.size() == before;
    // An error, but of a key the compiler drops: the rule's other mistakes (its modifiers, its
    // fields, the aggregation in its condition that usually comes with it) show in the same run.
    if (root.get("detection").has("timeframe")) {
      error(
          "/detection/timeframe",
          "'timeframe' belongs to Sigma 1 aggregations; use a correlation rule with 'timespan'");
    }
    return compilable && clean ? rule : null;
  }

  private RuleMeta meta(JsonNode root, int line) {
    String id = text(root, "/id", true);
    if (id != null && !UUID.matcher(id).matches()) {
      error("/id", "'id' must be a UUID");
    }
    String title = text(root, "/title", true);
    String levelText = oneOf(root, "/level", false, "level", "a Sigma level", LEVELS);
    Level level = levelText == null ? Level.MEDIUM : Level.parse(levelText);
    int version = 1;
    JsonNode versionNode = root.get("version");
    if (versionNode != null) {
      if (versionNode.canConvertToInt()
          && versionNode.isIntegralNumber()
          && versionNode.asInt() >= 1) {
        version = versionNode.asInt();
      } else {
        error("/version", "'version' must be a whole number, 1 or more");
      }
    }
    Suppress suppress = suppress(root.get("suppress"));
    String date = date(root, "date");
    String modified = date(root, "modified");
    if (date != null && modified != null && modified.compareTo(date) < 0) {
      error(
          "/modified",
          "'modified' ("
              + modified
              + ") is before 'date' ("
              + date
              + "): 'date' is when the rule was written, 'modified' its last change");
    }
    return new RuleMeta(
        file,
        line,
        id,
        text(root, "/name", false),
        title,
        oneOf(root, "/status", false, "status", "a Sigma status", STATUSES),
        text(root, "/description", false),
        text(root, "/author", false),
        date,
        modified,
        strings(root, "/references"),
        strings(root, "/tags"),
        strings(root, "/falsepositives"),
        level,
        version,
        oneOf(
            root,
            "/detection_class",
            false,
            "detection_class",
            "a Vigil detection",
            DETECTION_CLASSES),
        strings(root, "/notify"),
        suppress,
        awaitResponse(root, suppress),
        standsFor(root));
  }

  /**
   * {@code date} or {@code modified}: an ISO 8601 date, {@code YYYY-MM-DD}, as the Sigma rules
   * specification writes both; null when absent or not such a date (an error). Sigma 1's {@code
   * 2019/10/23} gets the same date with dashes as a suggestion.
   */
  private String date(JsonNode root, String name) {
    String text = text(root, "/" + name, false);
    if (text == null) {
      return null;
    }
    if (isDate(text)) {
      return text;
    }
    String dashed = text.replace('/', '-');
    String suggestion = !dashed.equals(text) && isDate(dashed) ? ": write " + dashed : "";
    error(
        "/" + name,
        "'"
            + name
            + "' must be a date written YYYY-MM-DD, such as 2025-03-01 (got '"
            + text
            + "')"
            + suggestion);
    return null;
  }

  private static boolean isDate(String text) {
    if (!ISO_DATE.matcher(text).matches()) {
      return false;
    }
    try {
      LocalDate.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false; // a month or a day out of range
    }
  }

  /**
   * {@code await_response}: only on a single-event rule alerting per request, since a request and
   * its response meet only where alerts are keyed by request (not per {@code suppress} key, nor in
   * a correlation's window).
   */
  private Duration awaitResponse(JsonNode root, Suppress suppress) {
    if (!root.has("await_response")) {
      return null;
    }
    String waitText = text(root, "/await_response", false);
    Duration wait = Durations.parse(waitText);
    if (wait == null) {
      error(
          "/await_response",
          "'await_response' must be a time span such as 2m" + Durations.why(waitText));
      return null;
    }
    if (root.has("correlation")) {
      error("/await_response", "'await_response' applies to single-event rules, not correlations");
    } else if (suppress != null) {
      error(
          "/await_response",
          "'await_response' cannot be combined with 'suppress': a request waits for its response"
              + " only where alerts are one per request");
    }
    return wait;
  }

  /**
   * {@code stands_for}: what an unanswered alert replaces, so only beside {@code await_response}
   * (the rules it names are checked against the pack by the compiler).
   */
  private List<String> standsFor(JsonNode root) {
    List<String> rules = strings(root, "/stands_for");
    if (!rules.isEmpty() && !root.has("await_response")) {
      error(
          "/stands_for",
          "'stands_for' needs 'await_response': it names the rules whose alert on a response the"
              + " alert of an unanswered request stands for");
    }
    return rules;
  }

  private Suppress suppress(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      Duration period = Durations.parse(node.asText());
      if (period == null) {
        error(
            "/suppress",
            "'suppress' must be a period such as 1h, or a map with 'period' and 'by'"
                + Durations.why(node.asText()));
        return null;
      }
      return new Suppress(period, List.of());
    }
    if (!node.isObject()) {
      error("/suppress", "'suppress' must be a period such as 1h, or a map with 'period' and 'by'");
      return null;
    }
    String periodText = text(node, "/suppress/period", false);
    Duration period = Durations.parse(periodText);
    if (period == null) {
      error(
          "/suppress/period",
          "'suppress.period' must be a time span such as 30m, 1h, 1d" + Durations.why(periodText));
      return null;
    }
    List<String> by = stringsAt(node.get("by"), "/suppress/by");
    return new Suppress(period, by);
  }

  private SigmaRule sigma(RuleMeta meta, JsonNode root) {
    JsonNode logsource = root.get("logsource");
    LogSource source = LogSource.ANY;
    if (logsource != null) {
      if (!logsource.isObject()) {
        error("/logsource", "'logsource' must be a map (product, service, category)");
      } else {
        source =
            new LogSource(
                // As written: Sigma's values are lower-case, the schema's enumeration and
                // LogSources compare them exactly, and 'AWS' gets a did-you-mean from both.
                text(logsource, "/logsource/product", false),
                text(logsource, "/logsource/service", false),
                text(logsource, "/logsource/category", false));
      }
    }
    JsonNode detection = root.get("detection");
    List<String> condition = List.of();
    if (!detection.isObject()) {
      error("/detection", "'detection' must be a map of search identifiers and a 'condition'");
    } else {
      JsonNode conditionNode = detection.get("condition");
      if (conditionNode == null) {
        error("/detection", "'detection' needs a 'condition'");
      } else if (conditionNode.isTextual()) {
        condition = List.of(conditionNode.asText());
      } else if (conditionNode.isArray() && conditionNode.size() > 0) {
        condition = stringsAt(conditionNode, "/detection/condition");
      } else {
        error("/detection/condition", "'condition' must be an expression or a list of them");
      }
    }
    ObjectCopy searches = new ObjectCopy(detection);
    return new SigmaRule(
        meta,
        source,
        searches.withoutKeys("condition", "timeframe"),
        condition,
        strings(root, "/fields"),
        tests(root.get("tests")),
        document);
  }

  private CorrelationRule correlation(RuleMeta meta, JsonNode root) {
    JsonNode node = root.get("correlation");
    if (!node.isObject()) {
      error(
          "/correlation",
          "'correlation' must be a map (type, rules, group-by, timespan, condition)");
      return null;
    }
    String typeText =
        oneOf(
            node,
            "/correlation/type",
            true,
            "correlation type",
            "a Sigma correlation type",
            CORRELATION_TYPES);
    CorrelationType type =
        typeText == null ? null : CorrelationType.valueOf(typeText.toUpperCase(Locale.ROOT));
    List<String> rules = stringsAt(node.get("rules"), "/correlation/rules");
    List<Integer> ruleLines = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      ruleLines.add(
          document.lineOf(
              node.get("rules").isArray()
                  ? YamlDocument.child("/correlation/rules", i)
                  : "/correlation/rules"));
    }
    if (rules.isEmpty()) {
      error("/correlation", "a correlation needs 'rules': the ids or names of the rules it joins");
    }
    List<String> groupBy = stringsAt(node.get("group-by"), "/correlation/group-by");
    Duration timespan = null;
    String timespanText = text(node, "/correlation/timespan", true);
    if (timespanText != null) {
      timespan = Durations.parse(timespanText);
      if (timespan == null) {
        error(
            "/correlation/timespan",
            "'timespan' must be a time span such as 5m, 1h, 1d" + Durations.why(timespanText));
      }
    }
    Map<String, Long> conditions = new LinkedHashMap<>();
    String field = null;
    JsonNode condition = node.get("condition");
    if (condition != null) {
      if (!condition.isObject()) {
        error(
            "/correlation/condition",
            "a correlation 'condition' must be a map such as {gte: 10}; extended temporal"
                + " conditions are not supported");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = condition.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          String pointer = YamlDocument.child("/correlation/condition", entry.getKey());
          if (entry.getKey().equals("field")) {
            field = entry.getValue().asText();
          } else if (CONDITION_OPERATORS.contains(entry.getKey())) {
            if (!entry.getValue().isIntegralNumber() || entry.getValue().asLong() < 0) {
              error(pointer, "'" + entry.getKey() + "' must be a whole number, 0 or more");
            } else {
              conditions.put(entry.getKey(), entry.getValue().asLong());
            }
          } else {
            error(
                pointer,
                "unknown correlation condition '"
                    + entry.getKey()
                    + "' (gt, gte, lt, lte, eq, neq, field)"
                    + NearNames.suggestion(entry.getKey(), CONDITION_KEYS));
          }
        }
      }
    }
    if (type == CorrelationType.EVENT_COUNT || type == CorrelationType.VALUE_COUNT) {
      if (conditions.isEmpty()) {
        error(
            "/correlation",
            (type == CorrelationType.EVENT_COUNT ? "an " : "a ")
                + type.label()
                + " correlation needs a 'condition' such as {gte: 10}");
      }
      if (type == CorrelationType.VALUE_COUNT && field == null) {
        error(
            "/correlation",
            "a value_count correlation needs 'condition.field': the field to count");
      }
      if (type == CorrelationType.EVENT_COUNT && field != null) {
        // Sigma's field is value_count's: an event_count would count events all the same, not
        // the distinct values the author may have meant.
        error(
            "/correlation/condition/field",
            "an event_count correlation counts events and takes no 'condition.field'; to count"
                + " distinct values of "
                + field
                + ", use type: value_count");
      }
    } else if (type != null && condition != null) {
      error("/correlation/condition", "a " + type.label() + " correlation takes no 'condition'");
    }
    Map<String, Map<String, String>> aliases = new LinkedHashMap<>();
    JsonNode aliasNode = node.get("aliases");
    if (aliasNode != null) {
      if (!aliasNode.isObject()) {
        error("/correlation/aliases", "'aliases' must map alias names to {rule: field}");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = aliasNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> alias = it.next();
          Map<String, String> perRule = new LinkedHashMap<>();
          if (!alias.getValue().isObject()) {
            error(
                YamlDocument.child("/correlation/aliases", alias.getKey()),
                "alias '" + alias.getKey() + "' must map each rule (id or name) to its field");
            continue;
          }
          alias
              .getValue()
              .fields()
              .forEachRemaining(e -> perRule.put(e.getKey(), e.getValue().asText()));
          aliases.put(alias.getKey(), perRule);
        }
      }
    }
    boolean generate = false;
    JsonNode generateNode = node.get("generate");
    if (generateNode != null) {
      if (!generateNode.isBoolean()) {
        error("/correlation/generate", "'generate' must be true or false");
      }
      generate = generateNode.asBoolean();
    }
    return new CorrelationRule(
        meta,
        type,
        rules,
        List.copyOf(ruleLines),
        groupBy,
        timespan,
        conditions,
        field,
        aliases,
        generate,
        tests(root.get("tests")),
        document);
  }

  private List<RuleTest> tests(JsonNode node) {
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      error("/tests", "'tests' must be a list of tests");
      return List.of();
    }
    List<RuleTest> tests = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String pointer = YamlDocument.child("/tests", i);
      JsonNode test = node.get(i);
      if (!test.isObject()) {
        error(pointer, "a test must be a map with 'name', 'events' and 'expect'");
        continue;
      }
      unknownKeys(test, pointer, "a test", TEST_KEYS);
      String name = text(test, pointer + "/name", false, test.get("name"));
      if (name == null) {
        name = "test " + (i + 1);
      }
      List<RuleTest.TestEvent> events = new ArrayList<>();
      JsonNode eventList = test.get("events");
      if (eventList == null || !eventList.isArray() || eventList.isEmpty()) {
        error(
            pointer, "test '" + name + "' needs 'events': a list of event:, raw: or file: entries");
      } else {
        for (int e = 0; e < eventList.size(); e++) {
          RuleTest.TestEvent event = testEvent(eventList.get(e), pointer + "/events/" + e);
          if (event != null) {
            events.add(event);
          }
        }
      }
      JsonNode expect = test.get("expect");
      int alerts = 0;
      String rule = null;
      Map<String, String> group = new LinkedHashMap<>();
      Long eventCount = null;
      if (expect == null || !expect.isObject() || !expect.has("alerts")) {
        error(pointer, "test '" + name + "' needs 'expect: {alerts: N}'");
      } else {
        JsonNode alertsNode = expect.get("alerts");
        if (!alertsNode.isIntegralNumber() || alertsNode.asInt() < 0) {
          error(pointer + "/expect/alerts", "'expect.alerts' must be a whole number, 0 or more");
        }
        alerts = alertsNode.asInt();
        rule = expect.hasNonNull("rule") ? expect.get("rule").asText() : null;
        unknownKeys(expect, pointer + "/expect", "'expect'", EXPECT_KEYS);
        JsonNode groupNode = expect.get("group");
        if (groupNode != null) {
          if (!groupNode.isObject()) {
            error(
                pointer + "/expect/group",
                "'expect.group' must be a map of group-by fields to values, such as {actor.id: bob}");
          } else {
            groupNode
                .fields()
                .forEachRemaining(
                    g -> {
                      if (g.getValue().isValueNode() && !g.getValue().isNull()) {
                        group.put(g.getKey(), g.getValue().asText());
                      } else {
                        error(
                            YamlDocument.child(pointer + "/expect/group", g.getKey()),
                            "'expect.group." + g.getKey() + "' must be a single value");
                      }
                    });
          }
        }
        JsonNode eventCountNode = expect.get("event_count");
        if (eventCountNode != null) {
          if (!eventCountNode.isIntegralNumber() || eventCountNode.asLong() < 0) {
            error(
                pointer + "/expect/event_count",
                "'expect.event_count' must be a whole number, 0 or more");
          }
          eventCount = eventCountNode.asLong();
        }
      }
      tests.add(
          new RuleTest(
              name,
              document.lineOf(pointer),
              List.copyOf(events),
              alerts,
              rule,
              group,
              eventCount));
    }
    return tests;
  }

  private RuleTest.TestEvent testEvent(JsonNode entry, String pointer) {
    if (entry == null || !entry.isObject()) {
      error(pointer, "a test event must be a map with 'event:', 'raw:' or 'file:'");
      return null;
    }
    unknownKeys(entry, pointer, "a test event", TEST_EVENT_KEYS);
    String kind = null;
    for (String candidate : List.of("event", "raw", "file")) {
      if (entry.has(candidate)) {
        if (kind != null) {
          error(pointer, "a test event has one of 'event:', 'raw:' or 'file:', not several");
          return null;
        }
        kind = candidate;
      }
    }
    if (kind == null) {
      error(pointer, "a test event must be a map with 'event:', 'raw:' or 'file:'");
      return null;
    }
    int repeat = 1;
    if (entry.has("repeat")) {
      if (!entry.get("repeat").isIntegralNumber()
          || entry.get("repeat").asInt() < 1
          || entry.get("repeat").asInt() > 10_000) {
        error(pointer + "/repeat", "'repeat' must be a whole number from 1 to 10000");
        return null;
      }
      repeat = entry.get("repeat").asInt();
    }
    long every = 1000;
    if (entry.has("every")) {
      String everyText = entry.get("every").asText();
      Duration span = Durations.parse(everyText);
      if (span == null) {
        error(
            pointer + "/every",
            "'every' must be a time span such as 10s" + Durations.why(everyText));
        return null;
      }
      every = span.toMillis();
    }
    return new RuleTest.TestEvent(kind, entry.get(kind), document.lineOf(pointer), repeat, every);
  }

  /**
   * An attribute that takes one of a few words, as written: {@code null} when absent or not one of
   * them (an error then). A known word in other case is told the lower-case one, so {@code High} is
   * refused in every command with the fix, not read as {@code high} by some and refused by the
   * schema in others.
   *
   * @param required whether a missing value is an error too
   * @param name the attribute as the messages name it ({@code level}, {@code correlation type})
   * @param aWhat what the words are ({@code a Sigma level})
   */
  private String oneOf(
      JsonNode root,
      String pointer,
      boolean required,
      String name,
      String aWhat,
      List<String> words) {
    String value = text(root, pointer, required);
    if (value == null || words.contains(value)) {
      return value;
    }
    String lowerCase = value.toLowerCase(Locale.ROOT);
    if (words.contains(lowerCase)) {
      error(pointer, name + ": '" + value + "' is not " + aWhat + "; use lower case: " + lowerCase);
    } else {
      error(
          pointer,
          (name.startsWith("correlation") ? "unsupported " : "unknown ")
              + name
              + " '"
              + value
              + "' ("
              + String.join(", ", words)
              + ")"
              + NearNames.suggestion(value, words));
    }
    return null;
  }

  private String text(JsonNode root, String pointer, boolean required) {
    return text(root, pointer, required, root.at(pointer.substring(pointer.lastIndexOf('/'))));
  }

  private String text(JsonNode root, String pointer, boolean required, JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      if (required) {
        error(
            parent(pointer),
            "'" + pointer.substring(pointer.lastIndexOf('/') + 1) + "' is required");
      }
      return null;
    }
    if (!value.isValueNode()) {
      error(
          pointer,
          "'" + pointer.substring(pointer.lastIndexOf('/') + 1) + "' must be a single value");
      return null;
    }
    return value.asText();
  }

  private List<String> strings(JsonNode root, String pointer) {
    return stringsAt(root.at(pointer), pointer);
  }

  private List<String> stringsAt(JsonNode value, String pointer) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return List.of();
    }
    if (value.isValueNode()) {
      return List.of(value.asText());
    }
    if (!value.isArray()) {
      error(
          pointer,
          "'" + pointer.substring(pointer.lastIndexOf('/') + 1) + "' must be a list of values");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isValueNode() || item.isNull()) {
        error(YamlDocument.child(pointer, i), "expected a single value");
      } else {
        out.add(item.asText());
      }
    }
    return List.copyOf(out);
  }

  /**
   * An error at each key of a test's map that Vigil does not read: the test would run without what
   * the author meant ({@code evnt_count: 3} checks no count, {@code repat: 12} sends one event) and
   * pass or fail for the wrong reason.
   */
  private void unknownKeys(JsonNode map, String pointer, String what, List<String> known) {
    for (Iterator<String> keys = map.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!known.contains(key)) {
        error(
            YamlDocument.child(pointer, key),
            "unknown key '"
                + key
                + "' in "
                + what
                + " ("
                + String.join(", ", known)
                + ")"
                + NearNames.suggestion(key, known));
      }
    }
  }

  private static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash <= 0 ? "" : pointer.substring(0, slash);
  }

  private void error(String pointer, String message) {
    errors.add(new RuleError(file, document.lineOf(pointer), message));
  }

  /** A shallow copy of a map node without some keys. */
  private record ObjectCopy(JsonNode node) {
    JsonNode withoutKeys(String... keys) {
      if (!node.isObject()) {
        return node;
      }
      com.fasterxml.jackson.databind.node.ObjectNode copy =
          ((com.fasterxml.jackson.databind.node.ObjectNode) node).deepCopy();
      copy.remove(List.of(keys));
      return copy;
    }
  }
}
