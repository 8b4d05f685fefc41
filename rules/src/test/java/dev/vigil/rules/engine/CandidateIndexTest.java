package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.Rules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The pack's pre-selection, not a scan, decides which rules' detections run for an event; and it
 * never keeps a rule from an event the rule matches.
 */
class CandidateIndexTest {

  @Test
  void onlyTheRulesWhoseGateHoldsRunTheirDetection() throws Exception {
    CompiledPack pack =
        Rules.compile(
            cloudTrailRules(
                300,
                i ->
                    "  selection:\n    eventName: Operation"
                        + i
                        + "\n    userIdentity.type|contains: user\n  condition: selection\n"));
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Operation7\","
                  + "\"raw\":{\"eventName\":\"Operation7\",\"userIdentity\":{\"type\":\"IAMUser\"}}}"));
      engine.accept(Rules.event("{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Unrelated\"}"));
      engine.accept(Rules.event("{\"source\":\"VAULT\",\"operation\":\"operation7\"}"));
      engine.flush();
      assertThat(alerts).containsExactly("rule 7");
      assertThat(engine.judged()).isEqualTo(3);
      // One detection run in all: the pre-selection skipped 299 rules for the first event and
      // every rule for the other two.
      assertThat(engine.matcherRuns()).isEqualTo(1);
    }
  }

  @Test
  void inListsAndRawFieldsAreIndexedToo() throws Exception {
    // Even rules: two operations (an in-list); odd rules: a raw field with no canonical twin.
    CompiledPack pack =
        Rules.compile(
            cloudTrailRules(
                100,
                i ->
                    "  selection:\n    "
                        + (i % 2 == 0
                            ? "eventName: [Create" + i + ", Delete" + i + "]"
                            : "userAgent: agent-" + i)
                        + "\n  condition: selection\n"));
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Delete4\","
                  + "\"raw\":{\"eventName\":\"Delete4\",\"userAgent\":\"Agent-7\"}}"));
      // A list where a scalar is expected is probed by its items (and its JSON text).
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Other\","
                  + "\"raw\":{\"userAgent\":[\"agent-9\"]}}"));
      engine.flush();
      assertThat(alerts).containsExactly("rule 4", "rule 7", "rule 9");
      // First event: rule 4 (operation) and rule 7 (userAgent); second: rule 9.
      assertThat(engine.matcherRuns()).isEqualTo(3);
    }
  }

  @Test
  void rulesWithoutExactValuesAreSelectedByTheirLiterals() throws Exception {
    // contains, startswith, endswith, an inner wildcard, a regex, a keyword: one kind per rule.
    CompiledPack pack =
        Rules.compile(
            cloudTrailRules(
                200,
                i ->
                    switch (i % 6) {
                          case 0 -> "  sel:\n    userAgent|contains: Tool" + i + "Agent";
                          case 1 -> "  sel:\n    userAgent|startswith: 'boto-" + i + "/'";
                          case 2 ->
                              "  sel:\n    requestParameters.name|endswith: '-" + i + "-prod'";
                          case 3 -> "  sel:\n    userAgent: 'Scan*/s" + i + "x.*'";
                          case 4 ->
                              "  sel:\n    userIdentity.arn|re: '.+:assumed-role/r" + i + "/.+'";
                          default -> "  sel:\n    - 'keyword" + i + "x'";
                        }
                        + "\n  condition: sel\n"));
    assertThat(pack.rules()).allSatisfy(rule -> assertThat(rule.gate()).isNotNull());
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      for (String raw :
          List.of(
              "{\"userAgent\":\"my-TOOL12agent/1.0\"}",
              "{\"userAgent\":\"Boto-13/1.2\"}",
              "{\"requestParameters\":{\"name\":\"db-14-PROD\"}}",
              "{\"userAgent\":\"scanner v2/S15X.1\"}",
              "{\"userIdentity\":{\"arn\":\"arn:aws:sts::1:assumed-role/r16/s\"}}",
              "{\"note\":\"KEYWORD17X\"}",
              "{\"userAgent\":\"nothing\"}")) {
        engine.accept(
            Rules.event("{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"X\",\"raw\":" + raw + "}"));
      }
      engine.flush();
      assertThat(alerts)
          .containsExactly("rule 12", "rule 13", "rule 14", "rule 15", "rule 16", "rule 17");
      // Each rule's literal (for an inner wildcard, its longest piece) carries its number between
      // delimiters, so no event holds another rule's: six detections run, one per match.
      assertThat(engine.matcherRuns()).isEqualTo(6);
    }
  }

  /**
   * A raw field's probes are tested against the raw text before the record is parsed; a value
   * written with JSON escapes, which the text does not show verbatim, still reaches its rule.
   */
  @Test
  void rawFieldsAreReadOnlyWhenTheRawTextCouldHoldTheirLiterals() throws Exception {
    CompiledPack pack =
        Rules.compile(
            """
            title: agent
            id: 00000000-0000-4000-8000-000000000001
            logsource: {product: aws, service: cloudtrail}
            detection:
              selection:
                userAgent|contains: Agent-7
              condition: selection
            ---
            title: identity type
            id: 00000000-0000-4000-8000-000000000002
            logsource: {product: aws, service: cloudtrail}
            detection:
              selection:
                userIdentity.type: IAMUser
              condition: selection
            """);
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      for (String raw :
          List.of(
              "{\"userAgent\":\"my-AGENT-7\",\"userIdentity\":{\"type\":\"Root\"}}",
              "{\"userAgent\":\"\\u0061gent-7\",\"userIdentity\":{\"type\":\"IAM\\u0055ser\"}}",
              "{\"userAgent\":\"other\",\"userIdentity\":{\"type\":\"AssumedRole\"}}")) {
        AuditEvent event = Rules.event("{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"X\"}");
        event.setRaw(raw);
        engine.accept(event);
      }
      engine.flush();
      assertThat(alerts).containsExactly("agent", "agent", "identity type");
      // The third event shows neither literal: neither rule runs its detection.
      assertThat(engine.matcherRuns()).isEqualTo(3);
    }
  }

  @Test
  void onlyLiteralsARawTextShowsVerbatimAreTestedAgainstIt() {
    assertThat(CandidateIndex.provableInRawText("iamuser", false)).isTrue();
    assertThat(CandidateIndex.provableInRawText("true", true)).isTrue();
    assertThat(CandidateIndex.provableInRawText("new object", false)).isTrue();
    assertThat(CandidateIndex.provableInRawText(":assumed-role/aws:", false)).isTrue();
    // A whole integer is written as itself; part of a number's text may not be (1E5 for 100000).
    assertThat(CandidateIndex.provableInRawText("500121", true)).isTrue();
    assertThat(CandidateIndex.provableInRawText("100000", false)).isFalse();
    assertThat(CandidateIndex.provableInRawText("1.5", true)).isFalse();
    assertThat(CandidateIndex.provableInRawText("1.0e5", false)).isFalse();
    // A container's text is rebuilt without the record's spaces between tokens.
    assertThat(CandidateIndex.provableInRawText("\"a\":1", false)).isFalse();
    assertThat(CandidateIndex.provableInRawText(":true", false)).isFalse();
    assertThat(CandidateIndex.provableInRawText("1,2", false)).isFalse();
    assertThat(CandidateIndex.provableInRawText("[x", false)).isFalse();
    assertThat(CandidateIndex.provableInRawText("caf\u00e9", false)).isFalse();
  }

  /**
   * Each feature of the detection language behind a gate: the engine (pre-selection, then the
   * detection) alerts exactly when the detection alone matches, for events that do and do not
   * match, in other letter cases, and with characters that fold to ASCII.
   */
  @Test
  void gatedRulesAlertExactlyWhenTheirDetectionMatches() throws Exception {
    record Case(String detection, String raw, boolean gated) {}
    List<Case> cases =
        List.of(
            new Case("sel:\n  a|contains: StopLog", "{\"a\":\"xSTOPLOGGING\"}", true),
            new Case("sel:\n  a|contains: StopLog", "{\"a\":\"stop log\"}", true),
            new Case("sel:\n  a|contains|cased: StopLog", "{\"a\":\"xstoplog\"}", true),
            new Case("sel:\n  a|contains|cased: StopLog", "{\"a\":\"xStopLog\"}", true),
            new Case("sel:\n  a|contains|all: [alpha, beta]", "{\"a\":\"BETA alpha\"}", true),
            new Case("sel:\n  a|contains|all: [alpha, beta]", "{\"a\":\"alpha\"}", true),
            new Case("sel:\n  a|windash|contains: ' -enc '", "{\"a\":\"ps /enc x\"}", true),
            new Case("sel:\n  a|windash|contains: ' -enc '", "{\"a\":\"ps \u2013enc x\"}", true),
            new Case("sel:\n  a|windash|contains: ' -enc '", "{\"a\":\"ps enc x\"}", true),
            new Case(
                "sel:\n  a|startswith: Get\nfilter:\n  b|contains: ok\ncondition: sel and not filter",
                "{\"a\":\"GetX\",\"b\":\"fine\"}",
                true),
            new Case(
                "sel:\n  a|startswith: Get\nfilter:\n  b|contains: ok\ncondition: sel and not filter",
                "{\"a\":\"GetX\",\"b\":\"OK\"}",
                true),
            new Case("filter:\n  b|contains: ok\ncondition: not filter", "{\"b\":\"no\"}", false),
            new Case("sel:\n  a|re: 'ab+c'\ncondition: sel", "{\"a\":\"xABBC\"}", true),
            new Case("sel:\n  a|re|i: 'ab+c'\ncondition: sel", "{\"a\":\"xABBC\"}", true),
            new Case("sel:\n  a|re|i: 'kelvin'\ncondition: sel", "{\"a\":\"\u212Aelvin\"}", true),
            new Case("sel:\n  a|re|i: 'stop'\ncondition: sel", "{\"a\":\"\u017Ftop\"}", true),
            new Case(
                "sel:\n  a: 'x*\u00fcmlaut*'\ncondition: sel", "{\"a\":\"X-\u00dcMLAUT\"}", true),
            new Case(
                "sel:\n  a|contains: '\u00fcber'\ncondition: sel", "{\"a\":\"\u00dcBER\"}", true),
            new Case("sel:\n  a|contains: 'k'\ncondition: sel", "{\"a\":\"\u212A\"}", true),
            new Case("sel:\n  a|contains: 'i'\ncondition: sel", "{\"a\":\"\u0130\"}", true),
            new Case("sel:\n  a|re: '[0-9]+'\ncondition: sel", "{\"a\":\"42\"}", false),
            new Case("sel:\n  a|cidr: 10.0.0.0/8\ncondition: sel", "{\"a\":\"10.1.2.3\"}", false),
            new Case(
                "sel:\n  - a: one\n  - b|endswith: two\ncondition: sel", "{\"b\":\"X-TWO\"}", true),
            new Case(
                "sel:\n  - a: one\n  - b|endswith: two\ncondition: sel", "{\"a\":\"ONE\"}", true),
            new Case("sel:\n  - a: one\n  - b|gt: 2\ncondition: sel", "{\"b\":3}", false),
            new Case(
                "sel:\n  p|contains: '\"k\":\"v\"'\ncondition: sel", "{\"p\":{\"k\":\"V\"}}", true),
            new Case("sel:\n  p: second\ncondition: sel", "{\"p\":[\"first\",\"SECOND\"]}", true),
            new Case("sel:\n  p: null\ncondition: sel", "{\"p\":[\"first\",null]}", false),
            new Case(
                "sel:\n  - 'needle'\ncondition: sel", "{\"deep\":{\"x\":[\"a NEEDLE\"]}}", true),
            new Case(
                "sel:\n  '|all':\n    - alpha\n    - beta\ncondition: sel",
                "{\"x\":\"ALPHA beta\"}",
                true),
            new Case("sel:\n  a: 'true'\ncondition: sel", "{\"a\":true}", true),
            new Case("sel:\n  a|contains: '2'\ncondition: sel", "{\"a\":[1, 2]}", true));
    for (Case test : cases) {
      String yaml =
          "title: t\nid: 11111111-1111-4111-8111-111111111111\n"
              + "logsource: {product: aws, service: cloudtrail}\ndetection:\n"
              + (test.detection().contains("condition:")
                      ? test.detection()
                      : test.detection() + "\ncondition: sel")
                  .indent(2);
      CompiledPack pack = Rules.compile(yaml);
      AuditEvent event =
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"x\",\"raw\":" + test.raw() + "}");
      CompiledRule rule = pack.rules().get(0);
      boolean detection = rule.predicate().test(VigilEvent.standalone(event, pack));
      assertThat(rule.gate() != null).as(test.toString()).isEqualTo(test.gated());
      assertThat(!Rules.run(pack, List.of(event)).isEmpty())
          .as(test.toString())
          .isEqualTo(detection);
    }
  }

  /**
   * The built-in pack and the upstream rules over the corpus: every rule whose detection matches an
   * event is among the event's candidates (the pre-selection loses nothing), a rule's detection
   * runs exactly for its candidates that a window could take, and an event has few of them.
   */
  @Test
  void overTheCorpusEveryMatchIsACandidateAndCandidatesAreFew() throws Exception {
    CompiledPack pack = Rules.builtInAndUpstream();
    List<AuditEvent> events = Rules.corpusEvents();
    CandidateIndex.Selection selection = new CandidateIndex.Selection(pack.candidates());
    long candidates = 0;
    long matches = 0;
    for (AuditEvent event : events) {
      VigilEvent probe = VigilEvent.standalone(event, pack);
      int count = selection.select(probe);
      Set<Integer> selected = new HashSet<>();
      for (int i = 0; i < count; i++) {
        selected.add(selection.rule(i));
      }
      candidates += count;
      for (CompiledRule rule : pack.rules()) {
        if (rule.predicate().test(probe)) {
          matches++;
          assertThat(selected)
              .as("rule %s on %s", rule.rule().meta().title(), event.getOrigin())
              .contains(rule.index());
        }
      }
    }
    try (DetectionEngine engine = DetectionEngine.start(pack, alert -> {})) {
      events.forEach(engine::accept);
      engine.flush();
      // Every candidate is judged, but those only a temporal_ordered window past its first rule
      // would take, with no sequence under way for their group (the corpus's secret reads and
      // changes, for the break-glass escalation).
      assertThat(engine.unadmittedCandidates()).isPositive();
      assertThat(engine.matcherRuns() + engine.unadmittedCandidates()).isEqualTo(candidates);
    }
    assertThat(matches).isPositive();
    // A few rules per event, against 230 in the pack.
    assertThat((double) candidates / events.size()).isLessThan(8);
  }

  /**
   * {@code count} CloudTrail rules titled {@code rule <i>}, each with the detection block (indented
   * under {@code detection:}) that {@code detection} gives for its number.
   */
  private static String cloudTrailRules(int count, IntFunction<String> detection) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      yaml.append(i == 0 ? "" : "---\n")
          .append("title: rule ")
          .append(i)
          .append("\nid: 00000000-0000-4000-8000-")
          .append(String.format("%012d", i))
          .append("\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n")
          .append(detection.apply(i));
    }
    return yaml.toString();
  }
}
