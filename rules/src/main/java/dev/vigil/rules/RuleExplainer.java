package dev.vigil.rules;

import dev.vigil.ingest.spi.NearNames;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.engine.CompiledCorrelation;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.model.CorrelationRule;
import dev.vigil.rules.model.Durations;
import dev.vigil.rules.model.RuleMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What {@code vigil rules explain RULE} prints: the rule as Vigil understood it (logsource and the
 * source it selects, the compiled detection with every field resolved, the gate of the
 * pre-selection, alert attributes) and the EPL statement(s) it compiles to; for a detection class
 * the rules that carry it; for a name that is neither, the names near it.
 */
public final class RuleExplainer {

  private static final Pattern TITLE_WORDS = Pattern.compile("[^\\p{L}\\p{N}_]+");

  private RuleExplainer() {}

  /**
   * Explains the rule whose id, name or title is {@code reference}.
   *
   * @return empty when the pack has no such rule
   */
  public static Optional<String> explain(CompiledPack pack, String reference) {
    for (CompiledRule rule : pack.rules()) {
      if (refersTo(rule.rule().meta(), reference)) {
        return Optional.of(explain(rule));
      }
    }
    for (CompiledCorrelation correlation : pack.correlations()) {
      if (refersTo(correlation.rule().meta(), reference)) {
        StringBuilder out = new StringBuilder(header(correlation.rule().meta()));
        CorrelationRule rule = correlation.rule();
        out.append("correlation: ").append(rule.type().label()).append('\n');
        out.append("rules:       ").append(String.join(", ", rule.rules())).append('\n');
        out.append("group-by:    ")
            .append(
                rule.groupBy().isEmpty() ? "(none: one group)" : String.join(", ", rule.groupBy()))
            .append('\n');
        out.append("timespan:    ")
            .append(Durations.format(rule.timespan()))
            .append(" (sliding on event time)\n");
        if (!rule.conditions().isEmpty()) {
          out.append("condition:   ").append(sigmaCondition(rule)).append('\n');
        }
        // Sigma's generate says whether the joined rules alert on their own, not the correlation.
        out.append("generate:    ")
            .append(
                rule.generate()
                    ? "true (its rules also alert on their own)"
                    : "false (its rules alert only through it)")
            .append('\n');
        out.append("\nEPL:\n").append(correlation.epl()).append(";\n");
        if (!rule.groupBy().isEmpty()) {
          out.append("\ngroup-by per rule (")
              .append("vigil_group(event, ruleIndex, ")
              .append(correlation.index())
              .append(") above, the values in this order):\n");
          for (int input : correlation.ruleIndexes()) {
            List<String> fields = new ArrayList<>();
            for (int g = 0; g < rule.groupBy().size(); g++) {
              String name = rule.groupBy().get(g);
              fields.add(
                  resolved(
                      rule,
                      name,
                      pack.rules().get(input),
                      correlation.groupFields().get(input).get(g)));
            }
            out.append(perRule(pack, input)).append(String.join(", ", fields)).append('\n');
          }
        }
        if (!correlation.valueFields().isEmpty()) {
          out.append("\ncounted per rule (")
              .append("vigil_value(event, ruleIndex, ")
              .append(correlation.index())
              .append(") above):\n");
          for (int input : correlation.ruleIndexes()) {
            out.append(perRule(pack, input))
                .append(
                    resolved(
                        rule,
                        rule.conditionField(),
                        pack.rules().get(input),
                        correlation.valueFields().get(input)))
                .append('\n');
          }
        }
        for (int input : correlation.ruleIndexes()) {
          out.append("\n--- base rule ")
              .append(pack.rules().get(input).rule().meta().id())
              .append('\n');
          out.append(explain(pack.rules().get(input)));
        }
        return Optional.of(out.toString());
      }
    }
    return Optional.empty();
  }

  /** The condition as Sigma writes it: {@code gte: 3}, {@code gte: 50, field: target.resource}. */
  private static String sigmaCondition(CorrelationRule rule) {
    List<String> parts = new ArrayList<>();
    rule.conditions().forEach((operator, bound) -> parts.add(operator + ": " + bound));
    if (rule.conditionField() != null) {
      parts.add("field: " + rule.conditionField());
    }
    return String.join(", ", parts);
  }

  /** {@code ruleIndex 3 (secret_read): }: a joined rule as the EPL numbers it. */
  private static String perRule(CompiledPack pack, int input) {
    RuleMeta meta = pack.rules().get(input).rule().meta();
    return "  ruleIndex " + input + " (" + meta.handle() + "): ";
  }

  /**
   * A group-by name or the counted field, as one joined rule reads it: {@code actor.id ->
   * actor.id}, or through an alias, {@code user = userIdentity.arn -> raw.userIdentity.arn}.
   */
  private static String resolved(
      CorrelationRule correlation, String name, CompiledRule base, FieldRef field) {
    Map<String, String> alias = correlation.aliases().get(name);
    String written = null;
    if (alias != null) {
      RuleMeta meta = base.rule().meta();
      written = alias.containsKey(meta.id()) ? alias.get(meta.id()) : alias.get(meta.name());
    }
    return name + (written == null ? "" : " = " + written + " (alias)") + " -> " + field.key();
  }

  /**
   * The rule or correlation whose id, name or title is {@code reference}: the one {@link #explain}
   * explains.
   */
  public static Optional<RuleMeta> find(CompiledPack pack, String reference) {
    return metas(pack).stream().filter(meta -> refersTo(meta, reference)).findFirst();
  }

  /**
   * The rules whose alerts carry the detection {@code detection} (a built-in class such as {@code
   * policy_change}, as the demo's summary and alerts show it), one line each: file and line, name
   * (else id), title.
   *
   * @return empty when no rule has that detection
   */
  public static List<String> rulesOfDetection(CompiledPack pack, String detection) {
    List<String> lines = new ArrayList<>();
    for (CompiledRule rule : pack.rules()) {
      RuleMeta meta = rule.rule().meta();
      if (detection.equals(meta.detection())) {
        lines.add(listed(meta) + (rule.alerts() ? "" : " (only feeds correlations)"));
      }
    }
    for (CompiledCorrelation correlation : pack.correlations()) {
      RuleMeta meta = correlation.rule().meta();
      if (detection.equals(meta.detection())) {
        lines.add(listed(meta) + " (correlation)");
      }
    }
    return lines;
  }

  /**
   * What {@code reference} may have been meant to be, nearest first: detections, and per rule the
   * nearest of its name, its title, its id (when {@code reference} begins it) and its name for a
   * word of its title, so that no rule is suggested twice.
   */
  public static List<String> nearNames(CompiledPack pack, String reference) {
    NearNames near = new NearNames(reference);
    String typed = reference.toLowerCase(Locale.ROOT);
    for (RuleMeta meta : metas(pack)) {
      if (meta.detectionClass() != null) {
        near.rank(meta.detectionClass()).ifPresent(rank -> near.offer(meta.detectionClass(), rank));
      }
      String handle = meta.handle();
      String best = null;
      int bestRank = Integer.MAX_VALUE;
      Map<String, OptionalInt> candidates = new LinkedHashMap<>();
      candidates.put(handle, near.rank(meta.name()));
      candidates.put(meta.title(), near.rank(meta.title()));
      if (typed.length() >= 4 && meta.id().toLowerCase(Locale.ROOT).startsWith(typed)) {
        candidates.put(meta.id(), OptionalInt.of(0));
      }
      for (Map.Entry<String, OptionalInt> candidate : candidates.entrySet()) {
        if (candidate.getValue().isPresent() && candidate.getValue().getAsInt() < bestRank) {
          best = candidate.getKey();
          bestRank = candidate.getValue().getAsInt();
        }
      }
      for (String word : TITLE_WORDS.split(meta.title())) {
        OptionalInt rank = word.length() >= 4 ? near.rank(word) : OptionalInt.empty();
        // A word of the title is a weaker hint than the name or the title itself.
        if (rank.isPresent() && rank.getAsInt() + 1 < bestRank) {
          best = handle;
          bestRank = rank.getAsInt() + 1;
        }
      }
      if (best != null) {
        near.offer(best, bestRank);
      }
    }
    return near.suggestions();
  }

  /** Every rule's, then every correlation's meta, in pack order (the order explain looks in). */
  private static List<RuleMeta> metas(CompiledPack pack) {
    List<RuleMeta> metas = new ArrayList<>();
    pack.rules().forEach(rule -> metas.add(rule.rule().meta()));
    pack.correlations().forEach(correlation -> metas.add(correlation.rule().meta()));
    return metas;
  }

  private static String listed(RuleMeta meta) {
    return meta.file() + ":" + meta.line() + "  " + meta.handle() + "  " + meta.title();
  }

  private static String explain(CompiledRule rule) {
    StringBuilder out = new StringBuilder(header(rule.rule().meta()));
    out.append("logsource:   ").append(rule.rule().logsource());
    out.append(
            rule.mapping() == null
                ? " (every source, canonical fields)"
                : " -> " + rule.mapping().source())
        .append('\n');
    out.append("condition:   ").append(String.join(" | ", rule.rule().condition())).append('\n');
    out.append("matches:     ").append(rule.predicate()).append('\n');
    out.append("judged when: ")
        .append(rule.gate() == null ? "(always: filtered by source only)" : rule.gate())
        .append('\n');
    out.append("alerts:      ")
        .append(
            !rule.alerts()
                ? "no (only feeds correlations)"
                : rule.rule().meta().awaitResponse() == null
                    ? "yes"
                    : "on a Vault request entry whose response is not seen within "
                        + Durations.format(rule.rule().meta().awaitResponse())
                        + " (await_response); a match on a response ends the wait"
                        + standsFor(rule.rule().meta().standsFor()))
        .append('\n');
    out.append("\nEPL:\n").append(rule.epl()).append(";\n");
    return out.toString();
  }

  private static String header(RuleMeta meta) {
    List<String> lines = new ArrayList<>();
    lines.add("rule:        " + meta.title());
    lines.add(
        "id:          " + meta.id() + (meta.name() != null ? " (name " + meta.name() + ")" : ""));
    lines.add("file:        " + meta.file() + ":" + meta.line());
    lines.add("author:      " + (meta.author() == null ? "-" : meta.author()));
    if (meta.status() != null) {
      lines.add("status:      " + meta.status());
    }
    if (meta.date() != null || meta.modified() != null) {
      // Sigma's date is when the rule was written, modified its last change: how current it is.
      lines.add(
          "date:        "
              + (meta.date() == null ? "-" : meta.date())
              + (meta.modified() == null ? "" : ", modified " + meta.modified()));
    }
    lines.add(
        "severity:    "
            + meta.level().label()
            + ", version "
            + meta.version()
            + ", detection "
            + meta.detection());
    if (meta.suppress() != null) {
      lines.add(
          "suppress:    "
              + Durations.format(meta.suppress().period())
              + (meta.suppress().by().isEmpty() ? "" : " by " + meta.suppress().by()));
    }
    if (!meta.tags().isEmpty()) {
      lines.add("tags:        " + String.join(", ", meta.tags()));
    }
    return String.join("\n", lines) + "\n";
  }

  /** Whether {@code reference} names the rule: its id, its name, or its title in any case. */
  public static boolean refersTo(RuleMeta meta, String reference) {
    return reference.equals(meta.id())
        || reference.equals(meta.name())
        || reference.equalsIgnoreCase(meta.title());
  }

  /** What an unanswered alert stands for, as the explanation of its rule says it. */
  private static String standsFor(List<String> rules) {
    return rules.isEmpty()
        ? ""
        : "; a later response raises no alert of " + String.join(", ", rules) + " (stands_for)";
  }
}
