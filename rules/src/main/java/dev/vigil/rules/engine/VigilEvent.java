package dev.vigil.rules.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.rules.detect.FieldRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The event as Esper sees it: the canonical event plus what rules derive from it, computed at most
 * once per event.
 *
 * <p>Design: the raw record is parsed only when a rule that reads raw fields asks for one (most
 * canonical-field rules never pay for it), then kept for every other rule judging the same event;
 * the parse builds only the parts the pack's raw paths reach ({@link RawPaths}), the whole tree
 * only for a path outside them. Raw paths are cached by path, so the pack's pre-selection and the
 * rules' matchers read each field once. What matchers derive from a value is shared too: the JSON
 * text of an object or list (computed once per value, only when a matcher compares against it) and
 * the lower-cased texts of the last few values compared (the values of one field selection are
 * judged one after another against the same text, and every rule reads the same few fields). Once
 * the event is judged, {@link #judged} lets go of what only matching needed, since the event may
 * then wait in correlation windows. An instance belongs to one engine thread.
 */
public final class VigilEvent {

  /** Marks a raw path that the record does not have (as opposed to one holding JSON null). */
  public static final Object ABSENT = new Object();

  /** How many lower-cased texts an event remembers (see {@link #lowerCase}). */
  private static final int LOWER_CASES_KEPT = 4;

  /**
   * The canonical enums' names lower-cased, made once: rules compare category, outcome, source and
   * actor type on nearly every event, and a lower-cased copy made per event is also hashed anew by
   * every index lookup. By identity: the readers hand out the constants' own names, and any other
   * text is not hashed just to miss.
   */
  private static final Map<String, String> ENUM_NAMES_LOWER_CASE = enumNamesLowerCase();

  private static final ObjectMapper RAW_MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
              .build());

  private final AuditEvent event;
  private final CompiledPack pack;
  private final DetectionEngine engine;
  private final long sequence;
  // Everything below is derived on first use: the router makes a view of every event, and most
  // events need none of it.
  private String requestKey;
  private JsonNode rawTree;
  private JsonNode prunedTree;
  private String rawLower;
  private Map<String, Object> rawValues;
  private Map<Object, String> jsonTexts;
  private String[] lowered;
  private String[] lowerCases;
  private int nextLowered;
  private long[] groupKeyIds;
  private List<FieldRef>[] groupKeyFields;
  private String[] groupKeys;
  private int groupKeyCount;
  private int matcherRuns;
  private int regexOverBudget;

  /**
   * An event outside any engine, for code that reads a pack's fields or runs its predicates before
   * the event reaches an engine (the Flink job routes events by their correlation group keys).
   */
  public static VigilEvent standalone(AuditEvent event, CompiledPack pack) {
    return new VigilEvent(event, pack, null, -1);
  }

  /**
   * @param engine the engine judging the event (null for a standalone event)
   */
  VigilEvent(AuditEvent event, CompiledPack pack, DetectionEngine engine, long sequence) {
    this.event = event;
    this.pack = pack;
    this.engine = engine;
    this.sequence = sequence;
  }

  public AuditEvent event() {
    return event;
  }

  CompiledPack pack() {
    return pack;
  }

  /** The engine judging this event; null for a {@link #standalone} one. */
  DetectionEngine engine() {
    return engine;
  }

  long sequence() {
    return sequence;
  }

  /** Runs one base rule's full detection on this event, counting the run. */
  boolean matches(int ruleIndex) {
    matcherRuns++;
    return pack.rules().get(ruleIndex).predicate().test(this);
  }

  /**
   * How many base rules' full detections ran on this event (the rest were skipped by the index).
   */
  int matcherRuns() {
    return matcherRuns;
  }

  /**
   * Counts a {@code |re} evaluation on this event that ran out of its budget (or of the stack), and
   * so did not match: what the regex matcher calls instead of logging, once per evaluation.
   */
  public void countRegexOverBudget() {
    regexOverBudget++;
  }

  /** How many {@code |re} evaluations on this event ran out of their budget. */
  public int regexOverBudget() {
    return regexOverBudget;
  }

  /**
   * Drops what only judging the event needed: its matches are decided, but the event may stay in
   * correlation windows for their timespan, and there Esper reads only its request key, its group
   * keys and counted values (kept, as are the raw values read, for a counted raw field).
   */
  void judged() {
    rawTree = null;
    prunedTree = null;
    rawLower = null;
    jsonTexts = null;
    lowered = null;
    lowerCases = null;
  }

  // Bean properties Esper reads (and indexes) in filters.

  public String getSource() {
    return event.getSource().name();
  }

  public String getRequestKey() {
    if (requestKey == null) {
      requestKey = EventIds.requestKey(event);
    }
    return requestKey;
  }

  public long getTime() {
    return event.getTime().toEpochMilli();
  }

  /**
   * The key of this event's group in a correlation when matched by a base rule: a JSON array of the
   * group-by values, or null when one of them is missing (such events join no group).
   */
  @SuppressWarnings("unchecked")
  String groupKey(int ruleIndex, int correlationIndex) {
    // Esper asks several times per event and correlation; the correlations of one route most
    // often group by the same fields, and share the text. A few entries per event: a linear search.
    long id = ((long) ruleIndex << 32) | correlationIndex;
    for (int i = 0; i < groupKeyCount; i++) {
      if (groupKeyIds[i] == id) {
        return groupKeys[i];
      }
    }
    CompiledCorrelation correlation = pack.correlations().get(correlationIndex);
    List<FieldRef> fields = correlation.groupFields().get(ruleIndex);
    String key = null;
    boolean known = false;
    for (int i = 0; i < groupKeyCount && !known; i++) {
      if (groupKeyFields[i].equals(fields)) {
        key = groupKeys[i];
        known = true;
      }
    }
    if (!known) {
      key = correlation.groupKey(ruleIndex, this);
      if (engine != null) {
        // Held in windows with the event: one instance per group, not one per event.
        key = engine.intern(key);
      }
    }
    if (groupKeyIds == null) {
      groupKeyIds = new long[2];
      groupKeyFields = new List[2];
      groupKeys = new String[2];
    } else if (groupKeyCount == groupKeyIds.length) {
      groupKeyIds = Arrays.copyOf(groupKeyIds, groupKeyCount * 2);
      groupKeyFields = Arrays.copyOf(groupKeyFields, groupKeyCount * 2);
      groupKeys = Arrays.copyOf(groupKeys, groupKeyCount * 2);
    }
    groupKeyIds[groupKeyCount] = id;
    groupKeyFields[groupKeyCount] = fields;
    groupKeys[groupKeyCount] = key;
    groupKeyCount++;
    return key;
  }

  /** The raw record lower-cased, for keyword searches. */
  public String rawLowerCase() {
    if (rawLower == null) {
      rawLower = event.getRaw().toLowerCase(Locale.ROOT);
    }
    return rawLower;
  }

  /**
   * The value at a dotted path of the raw record: {@link #ABSENT}, null, a String, Boolean, Number,
   * a Jackson object/array, or a List when the path crosses arrays. A key is matched exactly first,
   * then case-insensitively (upstream rules name {@code Resultdescription} for {@code
   * resultDescription}); a key that itself contains dots (claims URIs) is found too.
   */
  public Object rawValue(String path) {
    if (rawValues == null) {
      rawValues = new HashMap<>();
    }
    Object cached = rawValues.get(path);
    if (cached == null && !rawValues.containsKey(path)) {
      cached = readRaw(path);
      rawValues.put(path, cached);
    }
    return cached;
  }

  /**
   * The JSON text of a container value read from this event (a Jackson object or array, or a List),
   * computed once per value.
   */
  public String jsonText(Object container) {
    if (jsonTexts == null) {
      jsonTexts = new IdentityHashMap<>(4);
    }
    return jsonTexts.computeIfAbsent(container, VigilEvent::toJson);
  }

  private static String toJson(Object container) {
    if (container instanceof JsonNode node) {
      return node.toString();
    }
    if (container instanceof List<?> list && JsonArrays.allStrings(list)) {
      // Lists of strings (Vault policies) are the common case, and Jackson's serializers for a
      // list cost far more than the text.
      return JsonArrays.ofStrings(list);
    }
    try {
      return RAW_MAPPER.writeValueAsString(container);
    } catch (JsonProcessingException e) {
      return container.toString();
    }
  }

  /**
   * A text of this event lower-cased. The last few are remembered (by identity): every rule judging
   * the event compares the same handful of field texts (category, operation, actor...), one rule's
   * selections after another's.
   */
  public String lowerCase(String text) {
    if (lowered == null) {
      lowered = new String[LOWER_CASES_KEPT];
      lowerCases = new String[LOWER_CASES_KEPT];
    }
    for (int i = 0; i < LOWER_CASES_KEPT; i++) {
      if (lowered[i] == text) {
        return lowerCases[i];
      }
    }
    String lowerCase = ENUM_NAMES_LOWER_CASE.get(text);
    if (lowerCase == null) {
      lowerCase = text.toLowerCase(Locale.ROOT);
    }
    lowered[nextLowered] = text;
    lowerCases[nextLowered] = lowerCase;
    nextLowered = (nextLowered + 1) % LOWER_CASES_KEPT;
    return lowerCase;
  }

  private Object readRaw(String path) {
    List<JsonNode> found = new ArrayList<>(1);
    collect(
        pack.rawPaths().covers(path) ? prunedTree() : rawTree(), path.split("\\.", -1), 0, found);
    if (found.isEmpty()) {
      return ABSENT;
    }
    if (found.size() == 1) {
      return toValue(found.get(0));
    }
    List<Object> values = new ArrayList<>(found.size());
    for (JsonNode node : found) {
      values.add(toValue(node));
    }
    return values;
  }

  /** The raw record with only what the pack's paths reach (see {@link RawPaths}). */
  private JsonNode prunedTree() {
    if (prunedTree == null) {
      try {
        prunedTree = pack.rawPaths().prune(RAW_MAPPER, event.getRaw());
      } catch (IOException e) {
        prunedTree = MissingNode.getInstance();
      }
      if (prunedTree == null) {
        prunedTree = rawTree();
      }
    }
    return prunedTree;
  }

  private JsonNode rawTree() {
    if (rawTree == null) {
      try {
        rawTree = RAW_MAPPER.readTree(event.getRaw());
      } catch (IOException e) {
        rawTree = MissingNode.getInstance();
      }
      if (rawTree == null) {
        rawTree = MissingNode.getInstance();
      }
    }
    return rawTree;
  }

  private static void collect(JsonNode node, String[] segments, int from, List<JsonNode> out) {
    if (from == segments.length) {
      out.add(node);
      return;
    }
    if (node.isArray()) {
      for (JsonNode item : node) {
        collect(item, segments, from, out);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    // One segment first (the common case); keys that contain dots (claim URIs) only when the
    // shorter key is absent.
    for (int end = from + 1; end <= segments.length; end++) {
      String key = join(segments, from, end);
      JsonNode child = child(node, key);
      if (child != null) {
        collect(child, segments, end, out);
        return;
      }
    }
  }

  private static JsonNode child(JsonNode node, String key) {
    JsonNode exact = node.get(key);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equalsIgnoreCase(key)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static String join(String[] segments, int from, int to) {
    if (to - from == 1) {
      return segments[from];
    }
    return String.join(".", Arrays.copyOfRange(segments, from, to));
  }

  private static Object toValue(JsonNode node) {
    if (node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNumber()) {
      return node.numberValue();
    }
    return node;
  }

  /** The text of a scalar value, or null for null, lists and containers. */
  public static String scalarText(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Boolean || value instanceof Number) {
      return value.toString();
    }
    return null;
  }

  private static Map<String, String> enumNamesLowerCase() {
    Map<String, String> names = new IdentityHashMap<>();
    for (Class<? extends Enum<?>> type :
        List.<Class<? extends Enum<?>>>of(
            dev.vigil.event.Source.class,
            dev.vigil.event.Category.class,
            dev.vigil.event.Outcome.class,
            dev.vigil.event.ActorType.class)) {
      for (Enum<?> constant : type.getEnumConstants()) {
        names.put(constant.name(), constant.name().toLowerCase(Locale.ROOT));
      }
    }
    // Never written after this: safe to read from every thread.
    return names;
  }
}
