package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.configuration.compiler.ConfigurationCompilerPlugInSingleRowFunction;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.LogSources;
import dev.vigil.rules.detect.SearchCompiler;
import dev.vigil.rules.model.CorrelationRule;
import dev.vigil.rules.model.CorrelationType;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.SigmaRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles a {@link RulePack} into one Esper EPL module.
 *
 * <p>Design: every base rule is one filter statement on the {@code RuleCandidate} stream: {@code
 * RuleCandidate(ruleIndex = n, vigil_matches(event, n))}, the rule's full Sigma detection behind
 * Esper's hash index on the rule's number. Which rules an event is offered to is decided before
 * Esper, once per event for the whole pack, by the {@link CandidateIndex} built from each rule's
 * {@link dev.vigil.rules.detect.Gate} (exact values and required literals, searched for all rules
 * at once): a thousand rules cost one pass of the pre-selection per event and Esper sees only the
 * few candidates, not a thousand filters. (Esper's own filter index served equalities only, one per
 * rule; rules keyed by {@code contains}, wildcards, regexes or keywords, or by an {@code or} over
 * different fields, ran their detection on every event of their source.)
 *
 * <p>A base rule that a correlation uses also inserts its matches into the {@code RuleMatch}
 * stream. Each correlation is one statement on that stream: a time window of the correlation's
 * timespan, grouped by the group-by key, with {@code having} holding the condition. Time is the
 * runtime's external clock, which the engine advances to each event's time before sending it, so
 * the window is exact on event time and slides with every event.
 */
public final class PackCompiler {

  private PackCompiler() {}

  public static CompiledPack compile(RulePack pack) throws RuleException {
    return compile(pack, LogSources.builtIn());
  }

  public static CompiledPack compile(RulePack pack, LogSources logSources) throws RuleException {
    Statements statements = statements(pack, logSources, true);
    if (!statements.errors().isEmpty()) {
      throw new RuleException(statements.errors(), statements.warnings());
    }
    List<CompiledRule> rules = statements.rules();
    List<CompiledCorrelation> correlations = statements.correlations();
    List<RuleError> warnings = statements.warnings();

    StringBuilder module = new StringBuilder();
    // Object-array rows (ruleIndex, event), not maps: every match of a rule that feeds a
    // correlation is one, held in the correlation's window for its timespan and read by position.
    module.append("create objectarray schema RuleMatch (ruleIndex int, event VigilEvent);\n\n");
    for (CompiledRule rule : rules) {
      module.append(rule.epl()).append(";\n\n");
    }
    for (CompiledCorrelation correlation : correlations) {
      module.append(correlation.epl()).append(";\n\n");
    }
    Configuration configuration = configuration();
    EPCompiled compiled;
    try {
      compiled =
          EPCompilerProvider.getCompiler()
              .compile(module.toString(), new CompilerArguments(configuration));
    } catch (EPCompileException e) {
      // The EPL is generated from validated rules: a failure here is a Vigil bug, not the author's.
      throw new IllegalStateException("the generated EPL does not compile: " + e.getMessage(), e);
    }
    return new CompiledPack(
        pack, rules, correlations, module.toString(), compiled, configuration, warnings);
  }

  /** What compiling a pack finds: its errors and its warnings, each in the pack's order. */
  public record Findings(List<RuleError> errors, List<RuleError> warnings) {}

  /**
   * The errors and warnings {@link #compile} reports, without generating or compiling the EPL: for
   * {@code rules validate}, which checks the rules of a file with loader errors too, a correlation
   * whose {@code type} or {@code timespan} is wrong among them (whatever else of it the compiler
   * checks, its references, group-by and counted fields and aliases, is checked all the same).
   */
  public static Findings check(RulePack pack) {
    Statements statements = statements(pack, LogSources.builtIn(), false);
    return new Findings(statements.errors(), statements.warnings());
  }

  /**
   * The pack's rules and correlations compiled, with every error and warning found, and their EPL
   * statements when {@code withEpl} is set: without ({@link #check}), a correlation may lack the
   * type or timespan its statement needs.
   */
  private record Statements(
      List<CompiledRule> rules,
      List<CompiledCorrelation> correlations,
      List<RuleError> errors,
      List<RuleError> warnings) {}

  private static Statements statements(RulePack pack, LogSources logSources, boolean withEpl) {
    List<RuleError> errors = new ArrayList<>();
    List<RuleError> warnings = new ArrayList<>();
    List<SigmaRule> bases = new ArrayList<>();
    List<CorrelationRule> correlationRules = new ArrayList<>();
    Map<String, RuleDocument> byReference = byReference(pack, errors);
    for (RuleFile file : pack.files()) {
      for (RuleDocument document : file.documents()) {
        if (document instanceof SigmaRule rule) {
          bases.add(rule);
        } else {
          correlationRules.add((CorrelationRule) document);
        }
      }
    }
    Map<String, Integer> baseIndex = new HashMap<>();
    for (int i = 0; i < bases.size(); i++) {
      baseIndex.put(bases.get(i).meta().id(), i);
    }
    for (SigmaRule rule : bases) {
      checkStandsFor(rule, byReference, errors);
    }
    // Which base rules feed correlations, and whether they also alert on their own.
    Set<Integer> feeding = new LinkedHashSet<>();
    Set<Integer> generating = new LinkedHashSet<>();
    List<List<Integer>> correlationInputs = new ArrayList<>();
    for (CorrelationRule correlation : correlationRules) {
      List<Integer> inputs = new ArrayList<>();
      for (int r = 0; r < correlation.rules().size(); r++) {
        String reference = correlation.rules().get(r);
        RuleDocument target = byReference.get(reference);
        if (target == null) {
          errors.add(
              error(
                  correlation,
                  correlation.ruleLine(r),
                  "the correlation references '"
                      + reference
                      + "', which no rule of the pack has as id or name"
                      + nearReference(reference, byReference)));
        } else if (target instanceof CorrelationRule) {
          errors.add(
              error(
                  correlation,
                  correlation.ruleLine(r),
                  "the correlation references the correlation '"
                      + reference
                      + "': chained correlations are not supported"));
        } else {
          int index = baseIndex.get(target.id());
          inputs.add(index);
          feeding.add(index);
          if (correlation.generate()) {
            generating.add(index);
          }
        }
      }
      correlationInputs.add(inputs);
      checkAliases(correlation, byReference, errors, warnings);
    }

    List<CompiledRule> rules = new ArrayList<>();
    // Each base rule's logsource mapping, also for a rule whose detection does not compile: its
    // correlations' group-by and value fields are still checked against it, so that one run shows
    // the author every finding. A rule whose logsource is wrong (its own error) has none.
    Map<Integer, LogSources.LogsourceMapping> mappings = new HashMap<>();
    for (int i = 0; i < bases.size(); i++) {
      SigmaRule rule = bases.get(i);
      try {
        mappings.put(i, logSources.resolve(rule.logsource()));
      } catch (RuntimeException e) {
        // reported with the rule's other errors below
      }
      try {
        SearchCompiler.Compiled compiled = SearchCompiler.compile(rule, logSources, pack.lists());
        warnings.addAll(compiled.warnings());
        LogSources.LogsourceMapping mapping = logSources.resolve(rule.logsource());
        boolean alerts = !feeding.contains(i) || generating.contains(i);
        List<FieldRef> suppressBy = new ArrayList<>();
        if (rule.meta().suppress() != null) {
          for (String field : rule.meta().suppress().by()) {
            suppressBy.add(resolve(mapping, field));
            String unknown = logSources.unknownField(mapping, field);
            if (unknown != null) {
              warnings.add(
                  new RuleError(rule.meta().file(), rule.document().lineOf("/suppress"), unknown));
            }
          }
        }
        String epl = withEpl ? ruleEpl(i, rule, feeding.contains(i)) : null;
        rules.add(
            new CompiledRule(
                i,
                rule,
                compiled.predicate(),
                compiled.searches(),
                compiled.logsource(),
                compiled.gate(),
                mapping,
                alerts,
                List.copyOf(suppressBy),
                epl,
                compiled.fieldNames()));
      } catch (RuleException e) {
        errors.addAll(e.errors());
        warnings.addAll(e.warnings());
        rules.add(null);
      } catch (IllegalArgumentException e) {
        errors.add(
            new RuleError(rule.meta().file(), rule.document().lineOf("/suppress"), e.getMessage()));
        rules.add(null);
      }
    }

    List<CompiledCorrelation> correlations = new ArrayList<>();
    for (int c = 0; c < correlationRules.size(); c++) {
      CorrelationRule correlation = correlationRules.get(c);
      List<Integer> inputs = correlationInputs.get(c);
      Map<Integer, List<FieldRef>> groupFields = new LinkedHashMap<>();
      Map<Integer, FieldRef> valueFields = new LinkedHashMap<>();
      for (int input : inputs) {
        SigmaRule base = bases.get(input);
        if (!mappings.containsKey(input)) {
          continue; // the base rule's logsource is wrong (its error): nothing to check against
        }
        LogSources.LogsourceMapping mapping = mappings.get(input);
        try {
          List<FieldRef> fields = new ArrayList<>();
          for (int g = 0; g < correlation.groupBy().size(); g++) {
            String groupBy = correlation.groupBy().get(g);
            FieldRef field =
                correlationField(
                    correlation,
                    groupBy,
                    YamlDocument.child("/correlation/group-by", g),
                    base,
                    mapping,
                    logSources,
                    warnings);
            if (field != null) {
              fields.add(field);
            }
          }
          groupFields.put(input, List.copyOf(fields));
          if (correlation.conditionField() != null) {
            FieldRef field =
                correlationField(
                    correlation,
                    correlation.conditionField(),
                    "/correlation/condition/field",
                    base,
                    mapping,
                    logSources,
                    warnings);
            if (field != null) {
              valueFields.put(input, field);
            }
          }
        } catch (IllegalArgumentException e) {
          errors.add(error(correlation, e.getMessage() + " (in rule " + base.meta().id() + ")"));
        }
      }
      correlations.add(
          new CompiledCorrelation(
              c,
              correlation,
              List.copyOf(inputs),
              groupFields,
              valueFields,
              withEpl ? correlationEpl(c, correlation, inputs) : null));
    }
    return new Statements(rules, correlations, List.copyOf(errors), List.copyOf(warnings));
  }

  /**
   * Ids and names used by more than one rule of the pack: an error at each later use, or at the
   * author's own rule when the other is a built-in one (see {@link #register}). {@code rules
   * validate} and {@code rules test} check files one by one, and this across them, as {@link
   * #compile} does.
   */
  public static List<RuleError> duplicates(RulePack pack) {
    List<RuleError> errors = new ArrayList<>();
    byReference(pack, errors);
    return errors;
  }

  /**
   * The rules an unanswered alert stands for ({@code stands_for}) must alert once per request on
   * their own: single-event rules without {@code suppress} (whose alert id is the request's) and
   * without a wait of their own.
   */
  private static void checkStandsFor(
      SigmaRule rule, Map<String, RuleDocument> byReference, List<RuleError> errors) {
    int line = rule.document().lineOf("/stands_for");
    for (String reference : rule.meta().standsFor()) {
      RuleDocument target = byReference.get(reference);
      String problem =
          target == null
              ? "which no rule of the pack has as id or name"
                  + nearReference(reference, byReference)
              : target == rule
                  ? "the rule itself"
                  : target instanceof CorrelationRule
                      ? "a correlation: an unanswered alert stands only for single-event rules"
                      : target.meta().suppress() != null
                          ? "a rule with 'suppress', whose alerts are not one per request"
                          : target.meta().awaitResponse() != null
                              ? "a rule that waits for responses itself"
                              : null;
      if (problem != null) {
        errors.add(error(rule, line, "'stands_for' names '" + reference + "', " + problem));
      }
    }
  }

  /** Every rule of the pack by id and by name; a reference used twice is an error. */
  private static Map<String, RuleDocument> byReference(RulePack pack, List<RuleError> errors) {
    Map<String, RuleDocument> byReference = new HashMap<>();
    for (RuleFile file : pack.files()) {
      for (RuleDocument document : file.documents()) {
        register(document, byReference, errors);
      }
    }
    return byReference;
  }

  /**
   * Registers a rule by id and by name, with an error for each that an earlier rule has already, on
   * the line of the {@code id:} or {@code name:}. The error goes to the later rule (the one to
   * change, as it is usually the copy), but when the earlier one is the author's and the later a
   * built-in rule (the pack's directory given after the author's own): the author cannot change the
   * built-in rule, and an editor that jumps to the error must open the author's file.
   */
  private static void register(
      RuleDocument document, Map<String, RuleDocument> byReference, List<RuleError> errors) {
    RuleDocument previous = byReference.putIfAbsent(document.id(), document);
    if (previous != null) {
      errors.add(clash(document, previous, "/id", "the id " + document.id()));
    }
    String name = document.meta().name();
    if (name != null) {
      RuleDocument named = byReference.putIfAbsent(name, document);
      if (named != null && named != document) {
        errors.add(clash(document, named, "/name", "the name '" + name + "'"));
      }
    }
  }

  /**
   * The error for two rules that share an id or a name ({@code what}, at {@code pointer} in the
   * reporting rule): at the later one, naming the earlier, unless only the later is built-in.
   */
  private static RuleError clash(
      RuleDocument later, RuleDocument earlier, String pointer, String what) {
    boolean laterBuiltIn = RulePack.isBuiltIn(later);
    boolean earlierBuiltIn = RulePack.isBuiltIn(earlier);
    boolean ownVersusBuiltIn = laterBuiltIn != earlierBuiltIn;
    RuleDocument at = laterBuiltIn && !earlierBuiltIn ? earlier : later;
    RuleDocument other = at == later ? earlier : later;
    boolean isId = pointer.equals("/id");
    String message =
        ownVersusBuiltIn
            ? what
                + " is also used by the built-in rule "
                + (isId ? "'" + other.meta().handle() + "' " : "")
                + "at "
                + location(other, pointer)
                + "; give this rule "
                + (isId ? "a fresh id (uuidgen)" : "another name")
            : what
                + " is also used by "
                + location(other, pointer)
                + "; give one of them "
                + (isId ? "a fresh id (uuidgen)" : "another name");
    return error(at, at.document().lineOf(pointer), message);
  }

  private static String location(RuleDocument document, String pointer) {
    return document.meta().file() + ":" + document.document().lineOf(pointer);
  }

  /**
   * Checks the correlation's aliases against its rules: every key of an alias must be one of the
   * rules it joins (a misspelled one would be ignored), and an alias that the group-by or {@code
   * condition.field} uses must name the field of each of them (else that rule's events could not be
   * grouped). Errors at the alias's line; an alias neither uses is a warning there, since it is
   * ignored (often a group-by name spelled otherwise, which then reads a field of that name).
   */
  private static void checkAliases(
      CorrelationRule correlation,
      Map<String, RuleDocument> byReference,
      List<RuleError> errors,
      List<RuleError> warnings) {
    List<RuleDocument> joined =
        correlation.rules().stream().map(byReference::get).filter(Objects::nonNull).toList();
    Set<String> used = new LinkedHashSet<>(correlation.groupBy());
    if (correlation.conditionField() != null) {
      used.add(correlation.conditionField());
    }
    for (Map.Entry<String, Map<String, String>> alias : correlation.aliases().entrySet()) {
      String pointer = YamlDocument.child("/correlation/aliases", alias.getKey());
      for (String key : alias.getValue().keySet()) {
        boolean joins =
            joined.stream()
                .anyMatch(rule -> key.equals(rule.id()) || key.equals(rule.meta().name()));
        if (!joins) {
          errors.add(
              error(
                  correlation,
                  correlation.document().lineOf(YamlDocument.child(pointer, key)),
                  "the alias '"
                      + alias.getKey()
                      + "' names '"
                      + key
                      + "', which is not one of the correlation's rules ("
                      + String.join(", ", correlation.rules())
                      + ")"
                      + NearNames.suggestion(key, correlation.rules())));
        }
      }
      if (!used.contains(alias.getKey())) {
        warnings.add(
            error(
                correlation,
                correlation.document().lineOf(pointer),
                "warning: the alias '"
                    + alias.getKey()
                    + "' is ignored: neither group-by nor condition.field names it"
                    + NearNames.suggestion(alias.getKey(), used)));
        continue;
      }
      for (RuleDocument rule : joined) {
        if (aliasOf(alias.getValue(), rule) == null) {
          String handle = rule.meta().handle();
          errors.add(
              error(
                  correlation,
                  correlation.document().lineOf(pointer),
                  "the alias '"
                      + alias.getKey()
                      + "' does not say which field it is for rule '"
                      + handle
                      + "': add '"
                      + handle
                      + ": <field>' under it"));
        }
      }
    }
  }

  /**
   * {@code ; did you mean 'x'?} for the name or id of a rule near a reference, else empty; not a
   * correlation's, which no correlation may join.
   */
  private static String nearReference(String reference, Map<String, RuleDocument> byReference) {
    List<String> rules =
        byReference.entrySet().stream()
            .filter(entry -> entry.getValue() instanceof SigmaRule)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    return NearNames.suggestion(reference, rules);
  }

  /** The field an alias names for a rule (keyed by its id or its name), or null. */
  private static String aliasOf(Map<String, String> perRule, RuleDocument rule) {
    String mapped = perRule.get(rule.id());
    if (mapped == null && rule.meta().name() != null) {
      mapped = perRule.get(rule.meta().name());
    }
    return mapped;
  }

  /**
   * The field a correlation's group-by name or {@code condition.field} reads in the events of one
   * of its rules (through an alias when it is one), with the warning a base rule gets for a field
   * no record of its logsource is known to have, at the alias's or the name's line: a misspelled
   * group-by field leaves every event out of every group, and the correlation never fires. Null
   * when an alias names no field for the rule ({@link #checkAliases} reported it).
   */
  private static FieldRef correlationField(
      CorrelationRule correlation,
      String name,
      String pointer,
      SigmaRule base,
      LogSources.LogsourceMapping mapping,
      LogSources logSources,
      List<RuleError> warnings) {
    Map<String, String> perRule = correlation.aliases().get(name);
    String field = perRule == null ? name : aliasOf(perRule, base);
    if (field == null) {
      return null; // checkAliases reported it; the correlation is not compiled
    }
    String unknown = logSources.unknownField(mapping, field);
    if (unknown != null) {
      int line =
          correlation
              .document()
              .lineOf(
                  perRule == null
                      ? pointer
                      : YamlDocument.child(
                          YamlDocument.child("/correlation/aliases", name),
                          perRule.containsKey(base.id()) ? base.id() : base.meta().name()));
      RuleError warning = new RuleError(correlation.meta().file(), line, unknown);
      if (!warnings.contains(warning)) {
        warnings.add(warning);
      }
    }
    return resolve(mapping, field);
  }

  private static FieldRef resolve(LogSources.LogsourceMapping mapping, String field) {
    if (mapping != null) {
      return mapping.field(field);
    }
    if (field.startsWith("raw.")) {
      return new FieldRef.Raw(List.of(field.substring(4)));
    }
    if (!dev.vigil.rules.detect.CanonicalFields.isCanonical(field)) {
      throw new IllegalArgumentException(
          "unknown field '"
              + field
              + "': a rule without a logsource product reads canonical fields only");
    }
    return new FieldRef.Canonical(field);
  }

  static Configuration configuration() {
    Configuration configuration = new Configuration();
    configuration.getCommon().addEventType("VigilEvent", VigilEvent.class);
    configuration.getCommon().addEventType("RuleCandidate", RuleCandidate.class);
    addFunction(configuration, "vigil_matches", "matches");
    addFunction(configuration, "vigil_group", "group");
    addFunction(configuration, "vigil_value", "value");
    addFunction(configuration, "vigil_due", "due");
    addFunction(configuration, "vigil_admit", "admit");
    addFunction(configuration, "vigil_ordered", "ordered");
    configuration.getRuntime().getThreading().setInternalTimerEnabled(false);
    configuration.getRuntime().getLogging().setEnableExecutionDebug(false);
    return configuration;
  }

  private static void addFunction(Configuration configuration, String name, String method) {
    configuration
        .getCompiler()
        .addPlugInSingleRowFunction(
            name,
            EplFunctions.class.getName(),
            method,
            ConfigurationCompilerPlugInSingleRowFunction.ValueCache.DISABLED,
            // The matcher must stay a plain boolean expression: were it filter-optimizable, Esper
            // would plan it as an equality index (`vigil_matches(...) = true`) beside the rule
            // index's, and run it for every candidate of every rule.
            ConfigurationCompilerPlugInSingleRowFunction.FilterOptimizable.DISABLED,
            false);
  }

  private static String ruleEpl(int index, SigmaRule rule, boolean feeds) {
    String header =
        "@name("
            + literal("rule:" + rule.meta().id())
            + ") @Description("
            + literal(rule.meta().title())
            + ")\n";
    String from =
        "from RuleCandidate(ruleIndex = " + index + ", vigil_matches(event, " + index + "))";
    if (feeds) {
      return header + "insert into RuleMatch select " + index + " as ruleIndex, event\n" + from;
    }
    return header + "select event\n" + from;
  }

  private static String correlationEpl(
      int index, CorrelationRule correlation, List<Integer> inputs) {
    String group = "vigil_group(event, ruleIndex, " + index + ")";
    String inputList =
        inputs.stream().distinct().map(String::valueOf).collect(Collectors.joining(", "));
    List<String> having = new ArrayList<>();
    String counted =
        switch (correlation.type()) {
          case EVENT_COUNT -> "count(distinct event.requestKey)";
          case VALUE_COUNT -> "count(distinct vigil_value(event, ruleIndex, " + index + "))";
          case TEMPORAL, TEMPORAL_ORDERED -> "count(distinct ruleIndex)";
        };
    if (correlation.type() == CorrelationType.TEMPORAL
        || correlation.type() == CorrelationType.TEMPORAL_ORDERED) {
      having.add(counted + " >= " + inputs.stream().distinct().count());
    } else {
      correlation
          .conditions()
          .forEach(
              (operator, bound) ->
                  having.add(
                      counted
                          + switch (operator) {
                            case "gt" -> " > ";
                            case "gte" -> " >= ";
                            case "lt" -> " < ";
                            case "lte" -> " <= ";
                            case "eq" -> " = ";
                            default -> " != ";
                          }
                          + bound));
    }
    // Esper evaluates the having clause left to right and stops at the first false: the count
    // first (incremental), then the suppression check, and only then what reads the whole window.
    having.add("vigil_due(last(event), " + group + ", " + index + ")");
    if (correlation.type() == CorrelationType.TEMPORAL_ORDERED) {
      having.add("vigil_ordered(window(*), " + index + ")");
    }
    // A temporal_ordered window admits a match only after its predecessor's (OrderedAdmission),
    // which also requires the group key.
    String admission =
        correlation.type() == CorrelationType.TEMPORAL_ORDERED
            ? "vigil_admit(event, ruleIndex, " + index + ")"
            : group + " is not null";
    // The alert's event count is taken from the window when it fires (DetectionEngine), not kept
    // by an aggregation every arrival and expiry would update.
    return "@name("
        + literal("correlation:" + correlation.meta().id())
        + ") @Description("
        + literal(correlation.meta().title())
        + ")\nselect "
        + group
        + " as groupKey, "
        + counted
        + " as counted, window(*) as matches\n"
        + "from RuleMatch(ruleIndex in ("
        + inputList
        + "), "
        + admission
        + ")#time("
        + correlation.timespan().toMillis()
        + " milliseconds)\ngroup by "
        + group
        + "\nhaving "
        + String.join(" and ", having);
  }

  /** An EPL string literal. */
  static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static RuleError error(RuleDocument document, String message) {
    return error(document, document.meta().line(), message);
  }

  private static RuleError error(RuleDocument document, int line, String message) {
    return new RuleError(document.meta().file(), line, message);
  }
}
