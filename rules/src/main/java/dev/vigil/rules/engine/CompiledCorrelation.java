package dev.vigil.rules.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.model.CorrelationRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A correlation ready to run.
 *
 * @param index its position among the pack's correlations
 * @param ruleIndexes the base rules it joins, in the author's order
 * @param groupFields per base rule index, the fields of its group-by (aliases resolved)
 * @param valueFields per base rule index, the field {@code value_count} counts
 * @param epl its statement
 */
public record CompiledCorrelation(
    int index,
    CorrelationRule rule,
    List<Integer> ruleIndexes,
    Map<Integer, List<FieldRef>> groupFields,
    Map<Integer, FieldRef> valueFields,
    String epl) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public String statementName() {
    return "correlation:" + rule.meta().id();
  }

  /**
   * The group key of an event matched by a base rule: the JSON array of its group-by values (as
   * Jackson writes it, part of alert ids), or null when one of them is missing.
   */
  String groupKey(int ruleIndex, VigilEvent event) {
    List<FieldRef> fields = groupFields.get(ruleIndex);
    List<String> values = new ArrayList<>(fields.size());
    for (FieldRef field : fields) {
      String text = VigilEvent.scalarText(field.read(event));
      if (text == null) {
        return null;
      }
      values.add(text);
    }
    return JsonArrays.ofStrings(values);
  }

  /** The group-by values of a group key, by group-by name. */
  Map<String, String> groupValues(String groupKey) {
    try {
      String[] values = JSON.readValue(groupKey, String[].class);
      Map<String, String> out = new java.util.LinkedHashMap<>();
      for (int i = 0; i < values.length; i++) {
        out.put(rule.groupBy().get(i), values[i]);
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("group keys are JSON arrays", e);
    }
  }

  /** The value {@code value_count} counts for an event of a base rule (null: not counted). */
  String countedValue(int ruleIndex, VigilEvent event) {
    FieldRef field = valueFields.get(ruleIndex);
    return field == null ? null : VigilEvent.scalarText(field.read(event));
  }

  /**
   * Whether window rows hold the base rules in declared order ({@code temporal_ordered}). The
   * matches of one event happen at the same instant, so they count as in order, whatever order
   * Esper inserted them in: the first event of a break-glass session may be both the use and the
   * action that follows it.
   */
  boolean inOrder(Object[] rows) {
    List<Object> sorted = new ArrayList<>(Arrays.asList(rows));
    sorted.sort(
        Comparator.comparingLong((Object row) -> DetectionEngine.matchEvent(row).getTime())
            .thenComparingLong(row -> DetectionEngine.matchEvent(row).sequence())
            .thenComparingInt(row -> ruleIndexes.indexOf(DetectionEngine.matchRule(row))));
    int next = 0;
    for (Object row : sorted) {
      if (DetectionEngine.matchRule(row) == ruleIndexes.get(next)) {
        next++;
        if (next == ruleIndexes.size()) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return statementName() + " over rules " + Arrays.toString(ruleIndexes.toArray());
  }
}
