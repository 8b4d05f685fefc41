package dev.vigil.rules.testing;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.RecordSplitter;
import dev.vigil.rules.Alert;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.RuleValidator;
import dev.vigil.rules.engine.CompiledCorrelation;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.engine.VigilEvent;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the tests declared inside rule files ({@code vigil rules test}).
 *
 * <p>Each file is compiled on its own (with the pack's value lists and the rules of other files
 * that its correlations reference), and each of its tests runs in a fresh engine: the events in the
 * order written (inline canonical events, raw source records normalized by the ingest parsers, or
 * files of raw records), then the end of input. A test passes when the file's rules (or the rule
 * named by {@code expect.rule}) produce exactly {@code expect.alerts} alerts and, when given, the
 * first alert's {@code group} and {@code event_count} match. A file that does not load or compile
 * counts as one failure per error.
 */
public final class RuleTestRunner {

  /**
   * One failed test (or rule file that could not run), with the reason.
   *
   * @param rule the name (else the id) of the rule the test belongs to; null for a file error
   * @param test the test's name; null for a file error
   * @param explanation lines printed under the failure, indented: why the events did or did not
   *     match (see {@link MatchExplainer}); empty when there is nothing to explain
   */
  public record Failure(
      String file, int line, String rule, String test, String reason, List<String> explanation) {
    public Failure {
      explanation = List.copyOf(explanation);
    }

    public Failure(String file, int line, String rule, String test, String reason) {
      this(file, line, rule, test, reason, List.of());
    }

    @Override
    public String toString() {
      return asError().toString();
    }

    /** Located as validate locates errors, so a file's error reads the same in both. */
    RuleError asError() {
      return new RuleError(
          file,
          line,
          (rule == null ? "" : "rule '" + rule + "' ")
              + (test == null ? "" : "test '" + test + "': ")
              + reason);
    }
  }

  /** One test that ran: where it is declared, whose it is, and why it failed (null: it passed). */
  public record Result(String file, int line, String rule, String test, String failure) {
    public boolean passed() {
      return failure == null;
    }
  }

  /**
   * The outcome of a run.
   *
   * @param failures every failed test and every error of a file that could not run
   * @param results every test that ran, passed or failed, in file order
   * @param warnings what {@code rules validate} warns about too (fields no record of the rule's
   *     logsource is known to have), in file and line order
   */
  public record Report(
      int passed,
      int failed,
      List<Failure> failures,
      List<Result> results,
      List<RuleError> warnings) {
    /**
     * One line per failure and warning, in file and line order, each failure followed by its
     * explanation indented by two spaces, then {@code N passed, M failed}, with {@code , K
     * warnings} when there are any.
     */
    public List<String> lines() {
      record Entry(RuleError error, List<String> explanation) {}
      List<Entry> all = new ArrayList<>();
      failures.forEach(f -> all.add(new Entry(f.asError(), f.explanation())));
      warnings.forEach(w -> all.add(new Entry(w, List.of())));
      all.sort(Comparator.comparing(Entry::error, RuleError.IN_FILE_ORDER));
      List<String> lines = new ArrayList<>();
      for (Entry entry : all) {
        lines.add(entry.error().toString());
        entry.explanation().forEach(line -> lines.add("  " + line));
      }
      lines.add(
          passed + " passed, " + failed + " failed" + RuleError.warningsNote(warnings.size()));
      return lines;
    }

    public boolean ok() {
      return failed == 0;
    }
  }

  private final RulePack pack;

  /** The rule files as read, by name, to report a file that cannot run as validate does. */
  private final Map<String, RulePack.Source> sources;

  private Normalizer normalizer;

  private RuleTestRunner(RulePack pack, Map<String, RulePack.Source> sources) {
    this.pack = pack;
    this.sources = sources;
  }

  /**
   * Runs every test of the rule files under the paths (value lists come from the same paths). A
   * rule file that does not load or compile cannot run its tests: it shows instead every error and
   * warning {@code rules validate} shows for it (the loader's, the compiler's and the schema's), so
   * that one command tells its author all that is wrong. A file that runs still gets the other
   * errors {@code validate} has for it, one failure each: an id or name that another file uses too,
   * and what only the schema checks.
   */
  public static Report run(List<Path> paths) {
    RulePack.Read read = RulePack.read(paths);
    RulePack.Loaded loaded = RulePack.loadLenient(read);
    Map<String, RulePack.Source> sources = new HashMap<>();
    read.sources().stream()
        .filter(source -> !source.isList())
        .forEach(source -> sources.put(source.name(), source));
    RuleTestRunner runner = new RuleTestRunner(loaded.pack(), sources);
    List<Failure> failures = new ArrayList<>();
    List<RuleError> warnings = new ArrayList<>();
    for (RuleError error : loaded.errors()) {
      if (!sources.containsKey(error.file())) {
        failures.add(failure(error)); // a value list, or a file that is not UTF-8 text
      }
    }
    for (String file : loaded.invalidFiles()) {
      if (sources.containsKey(file)) {
        runner.reportAsValidateDoes(file, failures, warnings);
      }
    }
    // An id or name used in two files, which no file compiled on its own shows.
    PackCompiler.duplicates(loaded.pack()).forEach(error -> failures.add(failure(error)));
    return runner.runAll(failures, warnings);
  }

  /** Runs every test of an already loaded pack. */
  public static Report run(RulePack pack) {
    return new RuleTestRunner(pack, Map.of()).runAll(new ArrayList<>(), new ArrayList<>());
  }

  /** A file that cannot run: every error (one failure each) and warning validate has for it. */
  private void reportAsValidateDoes(String file, List<Failure> failures, List<RuleError> warnings) {
    RuleValidator.FileFindings findings = RuleValidator.check(sources.get(file), pack);
    findings.errors().forEach(error -> failures.add(failure(error)));
    warnings.addAll(findings.warnings());
  }

  /** The schema's errors of a file that loads and compiles; none for a pack given loaded. */
  private List<RuleError> schemaErrors(String file) {
    RulePack.Source source = sources.get(file);
    if (source == null) {
      return List.of();
    }
    try {
      return RuleValidator.schemaErrors(source);
    } catch (RuleException e) {
      throw new IllegalStateException(file + " loaded, so it is YAML", e);
    }
  }

  private Report runAll(List<Failure> failures, List<RuleError> warnings) {
    List<Result> results = new ArrayList<>();
    int passed = 0;
    int failed = failures.size();
    for (RuleFile file : pack.files()) {
      CompiledPack compiled;
      try {
        compiled = PackCompiler.compile(pack.forFile(file));
      } catch (RuleException e) {
        List<RuleError> own =
            e.errors().stream().filter(error -> error.file().equals(file.file())).toList();
        // Its own errors as validate reports them (its warnings and schema findings too); as the
        // compiler words them for a pack given already loaded, which has no sources.
        int before = failures.size();
        if (!own.isEmpty() && sources.containsKey(file.file())) {
          reportAsValidateDoes(file.file(), failures, warnings);
        }
        if (failures.size() > before) {
          failed += failures.size() - before;
        } else if (own.isEmpty()) {
          // The errors are another file's, reported with its own tests.
          failures.add(
              new Failure(
                  file.file(),
                  file.documents().get(0).meta().line(),
                  null,
                  null,
                  "the tests cannot run: a rule of another file that this file's correlations"
                      + " reference does not compile"));
          failed++;
        } else {
          own.forEach(error -> failures.add(failure(error)));
          failed += own.size();
        }
        continue;
      }
      compiled.warnings().stream()
          .filter(warning -> warning.file().equals(file.file()))
          .forEach(warnings::add);
      // What only the schema checks (the form of tags, say): errors in validate, failures here,
      // though the tests run.
      for (RuleError error : schemaErrors(file.file())) {
        failures.add(failure(error));
        failed++;
      }
      for (RuleDocument document : file.documents()) {
        String rule = document.meta().handle();
        for (RuleTest test : document.tests()) {
          Outcome outcome = runTest(compiled, file, document, test);
          results.add(new Result(file.file(), test.line(), rule, test.name(), outcome.reason()));
          if (outcome.reason() == null) {
            passed++;
          } else {
            failed++;
            failures.add(
                new Failure(
                    file.file(),
                    outcome.line() > 0 ? outcome.line() : test.line(),
                    rule,
                    test.name(),
                    outcome.reason(),
                    outcome.explanation()));
          }
        }
      }
    }
    warnings.sort(RuleError.IN_FILE_ORDER);
    return new Report(
        passed, failed, List.copyOf(failures), List.copyOf(results), List.copyOf(warnings));
  }

  /**
   * A test's result: the reason it failed (null: it passed), the lines that explain it, and the
   * line the failure is at (0: the test's own).
   */
  private record Outcome(String reason, List<String> explanation, int line) {
    Outcome(String reason, List<String> explanation) {
      this(reason, explanation, 0);
    }

    static Outcome failed(String reason) {
      return new Outcome(reason, List.of());
    }
  }

  private static final Outcome PASSED = new Outcome(null, List.of());

  /** Events explained per failed test at most (see {@link MatchExplainer}). */
  static final int MAX_EXPLAINED_EVENTS = 3;

  private Outcome runTest(CompiledPack pack, RuleFile file, RuleDocument owner, RuleTest test) {
    List<AuditEvent> events = new ArrayList<>();
    int eventLine = test.line();
    try {
      int serial = 0;
      for (int entry = 0; entry < test.events().size(); entry++) {
        RuleTest.TestEvent event = test.events().get(entry);
        eventLine = event.line();
        for (int copy = 0; copy < event.repeat(); copy++) {
          long offset = copy * event.everyMillis();
          String origin = file.file() + ":" + event.line();
          switch (event.kind()) {
            case "event" ->
                events.add(InlineEvents.build(event.body(), ++serial, entry, copy, offset, origin));
            case "raw" ->
                events.addAll(
                    shift(
                        normalize(
                            InlineEvents.substitute(event.body().deepCopy(), copy).toString(),
                            origin),
                        offset));
            default ->
                events.addAll(shift(normalizeFile(file.file(), event.body().asText()), offset));
          }
        }
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // At the event's line, where the fix goes.
      return new Outcome("bad test event: " + e.getMessage(), List.of(), eventLine);
    }
    Set<String> ids = file.documents().stream().map(RuleDocument::id).collect(Collectors.toSet());
    Set<String> expectedRules =
        test.expectRule() == null
            ? ids
            : file.documents().stream()
                .filter(
                    d ->
                        test.expectRule().equals(d.id())
                            || test.expectRule().equals(d.meta().name()))
                .map(RuleDocument::id)
                .collect(Collectors.toSet());
    if (expectedRules.isEmpty()) {
      return Outcome.failed("expect.rule '" + test.expectRule() + "' is no rule of this file");
    }
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine =
        DetectionEngine.start(
            pack,
            alert -> {
              if (expectedRules.contains(alert.ruleId())) {
                alerts.add(alert);
              }
            })) {
      events.forEach(engine::accept);
      engine.flush();
    }
    List<String> mismatches = new ArrayList<>();
    List<String> explanation = List.of();
    int expected = test.expectAlerts();
    if (alerts.size() != expected) {
      mismatches.add(
          "expected "
              + expected
              + (expected == 1 ? " alert" : " alerts")
              + ", got "
              + alerts.size()
              + describe(alerts)
              + (alerts.size() < expected ? silentRuleNote(pack, owner, expectedRules) : ""));
      explanation = explainMatches(pack, owner, expectedRules, events, alerts.size() < expected);
    }
    if (!alerts.isEmpty()) {
      Alert first = alerts.get(0);
      List<String> wrongGroup = new ArrayList<>();
      for (Map.Entry<String, String> group : test.expectGroup().entrySet()) {
        if (!group.getValue().equals(first.group().get(group.getKey()))) {
          wrongGroup.add(group.getKey() + "=" + group.getValue());
        }
      }
      if (!wrongGroup.isEmpty()) {
        mismatches.add(
            "expected group " + String.join(", ", wrongGroup) + ", got " + first.group());
      }
      if (test.expectEventCount() != null && first.eventCount() != test.expectEventCount()) {
        mismatches.add(
            "expected event_count " + test.expectEventCount() + ", got " + first.eventCount());
      }
    }
    if (mismatches.isEmpty()) {
      return PASSED;
    }
    // At most three: the alert count, the group, the event count.
    return new Outcome(String.join("; ", mismatches), explanation);
  }

  /**
   * Why the counted rules matched the test's events or not, for a test with too few alerts ({@code
   * missing}: the events a rule did not match) or too many (those it matched): for a base rule that
   * alerts, its identifiers on each such event, at most {@link #MAX_EXPLAINED_EVENTS} events in
   * all; for a correlation, how many of the events each of its rules matched. The owner of the test
   * comes first.
   */
  private static List<String> explainMatches(
      CompiledPack pack,
      RuleDocument owner,
      Set<String> counted,
      List<AuditEvent> events,
      boolean missing) {
    List<VigilEvent> judged =
        events.stream().map(event -> VigilEvent.standalone(event, pack)).toList();
    List<String> lines = new ArrayList<>();
    int explained = 0;
    int unexplained = 0;
    for (CompiledRule rule : countedFirstOwner(pack.rules(), CompiledRule::rule, owner, counted)) {
      if (!rule.alerts()) {
        continue; // silentRuleNote says why it never alerts
      }
      List<Integer> chosen = new ArrayList<>();
      for (int i = 0; i < judged.size(); i++) {
        if (rule.predicate().test(judged.get(i)) != missing) {
          chosen.add(i);
        }
      }
      if (chosen.isEmpty() && missing) {
        lines.add(
            "rule '"
                + rule.rule().meta().handle()
                + "' matches "
                + (judged.size() == 1 ? "the event" : "all " + judged.size() + " events"));
      }
      for (int i : chosen) {
        if (explained == MAX_EXPLAINED_EVENTS) {
          unexplained++;
          continue;
        }
        explained++;
        lines.add(
            "rule '"
                + rule.rule().meta().handle()
                + "' on event "
                + (i + 1)
                + " of "
                + judged.size()
                + ":");
        MatchExplainer.explain(rule, judged.get(i)).forEach(line -> lines.add("  " + line));
      }
    }
    if (unexplained > 0) {
      lines.add(
          "… "
              + unexplained
              + " more "
              + (unexplained == 1 ? "event" : "events")
              + " not explained");
    }
    for (CompiledCorrelation correlation :
        countedFirstOwner(pack.correlations(), CompiledCorrelation::rule, owner, counted)) {
      for (int index : correlation.ruleIndexes()) {
        CompiledRule base = pack.rules().get(index);
        long matched = judged.stream().filter(event -> base.predicate().test(event)).count();
        lines.add(
            "correlation '"
                + correlation.rule().meta().handle()
                + "': rule '"
                + base.rule().meta().handle()
                + "' matches "
                + matched
                + " of "
                + judged.size()
                + (judged.size() == 1 ? " event" : " events"));
      }
    }
    return lines;
  }

  /** The compiled rules whose ids are counted, the owner's first, else in pack order. */
  private static <T> List<T> countedFirstOwner(
      List<T> compiled,
      java.util.function.Function<T, RuleDocument> document,
      RuleDocument owner,
      Set<String> counted) {
    List<T> out = new ArrayList<>();
    for (T item : compiled) {
      String id = document.apply(item).id();
      if (counted.contains(id)) {
        if (id.equals(owner.id())) {
          out.add(0, item);
        } else {
          out.add(item);
        }
      }
    }
    return out;
  }

  /**
   * Why too few alerts came when the rule the test counts is a base rule that never alerts on its
   * own (it only feeds correlations without {@code generate: true}), else empty. The rule matched
   * or not, its test cannot tell: the author wrote a test of the rule and must test the
   * correlation.
   *
   * @param counted the ids of the rules whose alerts the test counts
   */
  private static String silentRuleNote(CompiledPack pack, RuleDocument owner, Set<String> counted) {
    // Without expect.rule the test counts every rule of the file: it is the owner's test.
    String subject = counted.size() == 1 ? counted.iterator().next() : owner.id();
    for (CompiledRule rule : pack.rules()) {
      if (rule.rule().id().equals(subject) && !rule.alerts()) {
        return ": "
            + (subject.equals(owner.id())
                ? "the rule"
                : "rule '" + rule.rule().meta().handle() + "'")
            + onlyFeeds(pack, rule);
      }
    }
    return "";
  }

  /**
   * The end of the sentence that says a rule only feeds correlations: {@code only feeds correlation
   * 'x' (no generate: true); expect the correlation's alert, or set generate: true there}.
   */
  private static String onlyFeeds(CompiledPack pack, CompiledRule rule) {
    List<String> correlations =
        pack.correlations().stream()
            .filter(correlation -> correlation.ruleIndexes().contains(rule.index()))
            .map(correlation -> "'" + correlation.rule().meta().handle() + "'")
            .toList();
    return correlations.size() == 1
        ? " only feeds correlation "
            + correlations.get(0)
            + " (no generate: true); expect the correlation's alert, or set generate: true there"
        : " only feeds correlations "
            + String.join(", ", correlations)
            + " (none with generate: true); expect a correlation's alert, or set generate: true"
            + " on one of them";
  }

  private static String describe(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return "";
    }
    return alerts.stream()
        .limit(3)
        .map(Alert::summary)
        .collect(Collectors.joining("; ", " (", alerts.size() > 3 ? "; ...)" : ")"));
  }

  private static List<AuditEvent> shift(List<AuditEvent> events, long offset) {
    if (offset != 0) {
      events.forEach(e -> e.setTime(e.getTime().plusMillis(offset)));
    }
    return events;
  }

  private List<AuditEvent> normalize(String text, String origin) {
    List<AuditEvent> events = new ArrayList<>();
    normalizer().normalize(RawRecord.of(text, origin), collector(events));
    return events;
  }

  private List<AuditEvent> normalizeFile(String ruleFile, String relative) {
    Path path = Path.of(ruleFile).resolveSibling(relative);
    List<AuditEvent> events = new ArrayList<>();
    try (InputStream in = Files.newInputStream(path)) {
      new RecordSplitter(path.getFileName().toString(), NormalizerLimits.DEFAULTS.maxRecordBytes())
          .split(in, record -> normalizer().normalize(record, collector(events)));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the test file " + relative + ": " + IoProblems.readProblem(path, e));
    }
    return events;
  }

  private NormalizeOutput collector(List<AuditEvent> events) {
    return new NormalizeOutput() {
      @Override
      public void event(AuditEvent event) {
        events.add(event);
      }

      @Override
      public void deadLetter(DeadLetter deadLetter) {
        throw new IllegalArgumentException(
            "the raw record at "
                + deadLetter.getOrigin()
                + " does not normalize: "
                + deadLetter.getMessage());
      }
    };
  }

  private Normalizer normalizer() {
    if (normalizer == null) {
      normalizer = Normalizer.create();
    }
    return normalizer;
  }

  private static Failure failure(RuleError error) {
    return new Failure(error.file(), error.line(), null, null, error.message());
  }
}
