package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.rules.RuleException;
import dev.vigil.rules.Rules;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sigma detection semantics, one feature per test, on single events. */
class SigmaSemanticsTest {

  private static String rule(String logsource, String detection) {
    return "title: t\nid: 11111111-1111-4111-8111-111111111111\n"
        + (logsource.isEmpty() ? "" : "logsource: " + logsource + "\n")
        + "detection:\n"
        + detection.indent(2);
  }

  private static String aws(String raw) {
    return "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"x\",\"raw\":" + raw + "}";
  }

  private static boolean awsMatches(String detection, String raw) throws RuleException {
    return Rules.matches(rule("{product: aws, service: cloudtrail}", detection), aws(raw));
  }

  @Test
  void mapIsAndListOfMapsIsOrListOfValuesIsOr() throws Exception {
    String and = "sel:\n  a: 1\n  b: 2\ncondition: sel";
    assertThat(awsMatches(and, "{\"a\":1,\"b\":2}")).isTrue();
    assertThat(awsMatches(and, "{\"a\":1,\"b\":3}")).isFalse();
    String or = "sel:\n  - a: 1\n  - b: 2\ncondition: sel";
    assertThat(awsMatches(or, "{\"a\":0,\"b\":2}")).isTrue();
    assertThat(awsMatches(or, "{\"a\":0,\"b\":0}")).isFalse();
    String values = "sel:\n  a: [x, y]\ncondition: sel";
    assertThat(awsMatches(values, "{\"a\":\"y\"}")).isTrue();
    assertThat(awsMatches(values, "{\"a\":\"z\"}")).isFalse();
  }

  @Test
  void valuesAreCaseInsensitiveUnlessCased() throws Exception {
    assertThat(awsMatches("sel:\n  a: StopLogging\ncondition: sel", "{\"a\":\"stoplogging\"}"))
        .isTrue();
    assertThat(
            awsMatches("sel:\n  a|cased: StopLogging\ncondition: sel", "{\"a\":\"stoplogging\"}"))
        .isFalse();
    assertThat(
            awsMatches("sel:\n  a|cased: StopLogging\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isTrue();
  }

  @Test
  void wildcardsAndEscapes() throws Exception {
    assertThat(awsMatches("sel:\n  a: 'ab*ef'\ncondition: sel", "{\"a\":\"abcdef\"}")).isTrue();
    assertThat(awsMatches("sel:\n  a: 'a?c'\ncondition: sel", "{\"a\":\"abc\"}")).isTrue();
    assertThat(awsMatches("sel:\n  a: 'a?c'\ncondition: sel", "{\"a\":\"abbc\"}")).isFalse();
    assertThat(awsMatches("sel:\n  a: 'a\\*c'\ncondition: sel", "{\"a\":\"abc\"}")).isFalse();
    assertThat(awsMatches("sel:\n  a: 'a\\*c'\ncondition: sel", "{\"a\":\"a*c\"}")).isTrue();
    assertThat(awsMatches("sel:\n  a: 'a\\\\b'\ncondition: sel", "{\"a\":\"a\\\\\\\\b\"}"))
        .isFalse();
    assertThat(awsMatches("sel:\n  a: 'c:\\windows'\ncondition: sel", "{\"a\":\"C:\\\\Windows\"}"))
        .isTrue();
  }

  @Test
  void nullMeansAbsentOrNull() throws Exception {
    String rule = "sel:\n  a: null\ncondition: sel";
    assertThat(awsMatches(rule, "{\"b\":1}")).isTrue();
    assertThat(awsMatches(rule, "{\"a\":null}")).isTrue();
    assertThat(awsMatches(rule, "{\"a\":\"\"}")).isFalse();
  }

  @Test
  void containsStartswithEndswithAll() throws Exception {
    assertThat(awsMatches("sel:\n  a|contains: lOgG\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isTrue();
    assertThat(awsMatches("sel:\n  a|startswith: stop\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isTrue();
    assertThat(
            awsMatches("sel:\n  a|startswith: logging\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isFalse();
    assertThat(awsMatches("sel:\n  a|endswith: logging\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isTrue();
    String all = "sel:\n  a|contains|all: [stop, log]\ncondition: sel";
    assertThat(awsMatches(all, "{\"a\":\"StopLogging\"}")).isTrue();
    assertThat(awsMatches(all, "{\"a\":\"StartLogging\"}")).isFalse();
  }

  @Test
  void existsAndNeq() throws Exception {
    assertThat(awsMatches("sel:\n  a|exists: true\ncondition: sel", "{\"a\":\"\"}")).isTrue();
    assertThat(awsMatches("sel:\n  a|exists: true\ncondition: sel", "{\"b\":1}")).isFalse();
    assertThat(awsMatches("sel:\n  a|exists: false\ncondition: sel", "{\"b\":1}")).isTrue();
    String neq = "sel:\n  a|neq: [x, y]\ncondition: sel";
    assertThat(awsMatches(neq, "{\"a\":\"z\"}")).isTrue();
    assertThat(awsMatches(neq, "{\"a\":\"X\"}")).isFalse();
    assertThat(awsMatches(neq, "{\"b\":\"z\"}")).isFalse();
  }

  /**
   * Sigma's {@code exists} "only verifies the presence of a field, not its value, be it empty or
   * null" (modifiers appendix): a key whose value is JSON null exists.
   */
  @Test
  void existsChecksPresenceNotValueSoNullExists() throws Exception {
    assertThat(awsMatches("sel:\n  a|exists: true\ncondition: sel", "{\"a\":null}")).isTrue();
    assertThat(awsMatches("sel:\n  a|exists: false\ncondition: sel", "{\"a\":null}")).isFalse();
    assertThat(awsMatches("sel:\n  a.b|exists: true\ncondition: sel", "{\"a\":{\"b\":null}}"))
        .isTrue();
    assertThat(awsMatches("sel:\n  a.b|exists: true\ncondition: sel", "{\"a\":null}")).isFalse();
    assertThat(awsMatches("sel:\n  a|exists: true\ncondition: sel", "{\"a\":{}}")).isTrue();
    // A canonical field has no null apart from "not given": without a value it does not exist.
    String noActorName = "{\"source\":\"VAULT\",\"operation\":\"read\",\"raw\":\"{}\"}";
    assertThat(
            Rules.matches(
                rule("", "sel:\n  actor.name|exists: false\ncondition: sel"), noActorName))
        .isTrue();
  }

  @Test
  void regexWithFlags() throws Exception {
    assertThat(awsMatches("sel:\n  a|re: '^Stop.*g$'\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isTrue();
    assertThat(awsMatches("sel:\n  a|re: '^stop'\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isFalse();
    assertThat(awsMatches("sel:\n  a|re|i: '^stop'\ncondition: sel", "{\"a\":\"StopLogging\"}"))
        .isTrue();
    assertThat(awsMatches("sel:\n  a|re|m: '^two$'\ncondition: sel", "{\"a\":\"one\\ntwo\"}"))
        .isTrue();
    assertThat(awsMatches("sel:\n  a|re|s: 'one.two'\ncondition: sel", "{\"a\":\"one\\ntwo\"}"))
        .isTrue();
    assertThat(awsMatches("sel:\n  a|re: 'one.two'\ncondition: sel", "{\"a\":\"one\\ntwo\"}"))
        .isFalse();
  }

  /**
   * A field's value is the record sender's to choose: a regex that would backtrack over it for
   * hours, stalling the job, or overflow the stack on it (a repeated group recurses per character;
   * Esper logged that with a stack trace per value) does not match it.
   */
  @Test
  void aRegexThatCannotJudgeAValueInBoundedStepsDoesNotMatchIt() throws Exception {
    String repeatedGroup = "sel:\n  a|re: '(a|b)*[0-9]'\ncondition: sel";
    String backtracking = "sel:\n  a|re: 'x.*y.*y.*z$'\ncondition: sel";
    assertThat(awsMatches(repeatedGroup, "{\"a\":\"" + "ab".repeat(500_000) + "\"}")).isFalse();
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThat(awsMatches(backtracking, "{\"a\":\"x" + "y".repeat(20_000) + "z!\"}"))
                .isFalse());
    assertThat(awsMatches(repeatedGroup, "{\"a\":\"abab1\"}")).isTrue();
    assertThat(awsMatches(backtracking, "{\"a\":\"xyyyz\"}")).isTrue();
  }

  @Test
  void cidr() throws Exception {
    String rule = "sel:\n  ip|cidr: [10.0.0.0/8, '2001:db8::/32']\ncondition: sel";
    assertThat(awsMatches(rule, "{\"ip\":\"10.20.30.40\"}")).isTrue();
    assertThat(awsMatches(rule, "{\"ip\":\"11.0.0.1\"}")).isFalse();
    assertThat(awsMatches(rule, "{\"ip\":\"2001:db8::1\"}")).isTrue();
    assertThat(awsMatches(rule, "{\"ip\":\"AWS Internal\"}")).isFalse();
    assertThat(
            awsMatches(
                "sel:\n  ip|cidr: 192.168.1.0/25\ncondition: sel", "{\"ip\":\"192.168.1.200\"}"))
        .isFalse();
  }

  @Test
  void numericComparisons() throws Exception {
    assertThat(awsMatches("sel:\n  n|gt: 5\ncondition: sel", "{\"n\":6}")).isTrue();
    assertThat(awsMatches("sel:\n  n|gt: 5\ncondition: sel", "{\"n\":5}")).isFalse();
    assertThat(awsMatches("sel:\n  n|gte: 5\ncondition: sel", "{\"n\":\"5\"}")).isTrue();
    assertThat(awsMatches("sel:\n  n|lt: 5\ncondition: sel", "{\"n\":4.5}")).isTrue();
    assertThat(awsMatches("sel:\n  n|lte: 5\ncondition: sel", "{\"n\":\"abc\"}")).isFalse();
  }

  @Test
  void fieldref() throws Exception {
    String rule = "sel:\n  a|fieldref: b\ncondition: sel";
    assertThat(awsMatches(rule, "{\"a\":\"Alice\",\"b\":\"alice\"}")).isTrue();
    assertThat(awsMatches(rule, "{\"a\":\"alice\",\"b\":\"bob\"}")).isFalse();
    assertThat(
            awsMatches(
                "sel:\n  a|fieldref|startswith: b\ncondition: sel",
                "{\"a\":\"alice-admin\",\"b\":\"alice\"}"))
        .isTrue();
  }

  @Test
  void base64AndBase64offset() throws Exception {
    // "secret" in base64 is c2VjcmV0.
    assertThat(awsMatches("sel:\n  a|base64: secret\ncondition: sel", "{\"a\":\"c2VjcmV0\"}"))
        .isTrue();
    String offset = "sel:\n  a|base64offset|contains: secret\ncondition: sel";
    for (String prefix : List.of("", "x", "xy", "xyz")) {
      String encoded =
          java.util.Base64.getEncoder().encodeToString((prefix + "secret!").getBytes());
      assertThat(awsMatches(offset, "{\"a\":\"" + encoded + "\"}")).as(prefix).isTrue();
    }
    assertThat(awsMatches(offset, "{\"a\":\"c29tZXRoaW5nIGVsc2U=\"}")).isFalse();
    assertThat(awsMatches("sel:\n  a|wide|base64: ab\ncondition: sel", "{\"a\":\"YQBiAA==\"}"))
        .isTrue();
  }

  @Test
  void base64offsetRefusesAValueTooShortToEncodeAtEveryOffset() {
    // One byte leaves an offset form with no character of its own (it would match anything);
    // none did not even encode, and failed with a stack trace.
    for (String value : List.of("''", "x")) {
      assertThatThrownBy(
              () ->
                  awsMatches(
                      "sel:\n  a|base64offset|contains: " + value + "\ncondition: sel", "{}"))
          .isInstanceOf(RuleException.class)
          .hasMessageContaining("test.yml:6")
          .hasMessageContaining("'|base64offset' needs a value of two characters or more");
    }
  }

  @Test
  void allAndsTheValuesWrittenNotTheVariantsATransformationMakes() throws Exception {
    String windash = "sel:\n  cmd|windash|contains|all: ['-enc', '-nop']\ncondition: sel";
    assertThat(awsMatches(windash, "{\"cmd\":\"powershell -enc x -nop\"}")).isTrue();
    assertThat(awsMatches(windash, "{\"cmd\":\"powershell /enc x -nop\"}")).isTrue();
    assertThat(awsMatches(windash, "{\"cmd\":\"powershell -enc x\"}")).isFalse();
    String offset = "sel:\n  a|base64offset|contains|all: [hello, world]\ncondition: sel";
    String both = java.util.Base64.getEncoder().encodeToString("hello world".getBytes());
    String one = java.util.Base64.getEncoder().encodeToString("hello there".getBytes());
    assertThat(awsMatches(offset, "{\"a\":\"" + both + "\"}")).isTrue();
    assertThat(awsMatches(offset, "{\"a\":\"" + one + "\"}")).isFalse();
    String yaml = rule("", "sel:\n  actor.name|expand|all: ['%admins%', '%ops%']\ncondition: sel");
    var pack = Rules.compile(yaml, Map.of("admins", List.of("ann", "al"), "ops", List.of("*al*")));
    assertThat(
            Rules.run(
                pack, List.of(Rules.event("{\"source\":\"VAULT\",\"actor\":{\"name\":\"al\"}}"))))
        .hasSize(1);
    assertThat(
            Rules.run(
                pack, List.of(Rules.event("{\"source\":\"VAULT\",\"actor\":{\"name\":\"ann\"}}"))))
        .isEmpty();
  }

  @Test
  void expandResolvesPackLists() throws Exception {
    String yaml = rule("", "sel:\n  actor.name|expand: '%break_glass%'\ncondition: sel");
    var pack = Rules.compile(yaml, Map.of("break_glass", List.of("*break-glass*", "emergency")));
    assertThat(
            Rules.run(
                pack,
                List.of(
                    Rules.event(
                        "{\"source\":\"VAULT\",\"actor\":{\"name\":\"ops-Break-Glass-2\"}}"))))
        .hasSize(1);
    assertThat(
            Rules.run(
                pack,
                List.of(
                    Rules.event("{\"source\":\"VAULT\",\"actor\":{\"name\":\"emergency-2\"}}"))))
        .isEmpty();
    assertThatThrownBy(
            () -> Rules.compile(rule("", "sel:\n  actor.name|expand: '%nope%'\ncondition: sel")))
        .isInstanceOf(RuleException.class)
        .hasMessageContaining("test.yml:5")
        .hasMessageContaining("'nope'")
        .hasMessageNotContaining("does not define");
  }

  @Test
  void windash() throws Exception {
    String rule = "sel:\n  cmd|windash|contains: ' -enc '\ncondition: sel";
    assertThat(awsMatches(rule, "{\"cmd\":\"powershell /enc abc\"}")).isTrue();
    assertThat(awsMatches(rule, "{\"cmd\":\"powershell -enc abc\"}")).isTrue();
  }

  @Test
  void modifierOnAnObjectMatchesItsJsonText() throws Exception {
    String rule = "sel:\n  requestParameters|contains: '\"enable\":false'\ncondition: sel";
    assertThat(awsMatches(rule, "{\"requestParameters\":{\"name\":\"t\",\"enable\":false}}"))
        .isTrue();
    assertThat(awsMatches(rule, "{\"requestParameters\":{\"enable\":true}}")).isFalse();
  }

  @Test
  void arraysMatchAnyElementAndPathsCrossArrays() throws Exception {
    assertThat(awsMatches("sel:\n  tags: prod\ncondition: sel", "{\"tags\":[\"dev\",\"PROD\"]}"))
        .isTrue();
    assertThat(
            awsMatches(
                "sel:\n  r.arn|endswith: ':b'\ncondition: sel",
                "{\"r\":[{\"arn\":\"x:a\"},{\"arn\":\"x:b\"}]}"))
        .isTrue();
    var pack = Rules.compile(rule("", "sel:\n  actor.policies: ROOT\ncondition: sel"));
    assertThat(
            Rules.run(
                pack,
                List.of(
                    Rules.event(
                        "{\"source\":\"VAULT\",\"actor\":{\"policies\":[\"default\",\"root\"]}}"))))
        .hasSize(1);
  }

  @Test
  void keywordsSearchTheRawRecord() throws Exception {
    String keywords = "keywords:\n  - 'roleAssignments/write'\n  - other\ncondition: keywords";
    assertThat(awsMatches(keywords, "{\"op\":\"Microsoft.Authorization/RoleAssignments/Write\"}"))
        .isTrue();
    assertThat(awsMatches(keywords, "{\"op\":\"read\"}")).isFalse();
    String all = "keywords:\n  '|all': [alpha, beta]\ncondition: keywords";
    assertThat(awsMatches(all, "{\"x\":\"alpha beta\"}")).isTrue();
    assertThat(awsMatches(all, "{\"x\":\"alpha\"}")).isFalse();
  }

  @Test
  void rawKeysMatchCaseInsensitivelyAndKeysMayContainDots() throws Exception {
    assertThat(
            awsMatches(
                "sel:\n  Resultdescription: bad\ncondition: sel",
                "{\"resultDescription\":\"bad\"}"))
        .isTrue();
    assertThat(
            awsMatches(
                "sel:\n  claims.http://x.y/name: bob\ncondition: sel",
                "{\"claims\":{\"http://x.y/name\":\"bob\"}}"))
        .isTrue();
  }

  @Test
  void everySuggestedModifierIsOneTheParserKnows() {
    assertThat(Modifiers.NAMES)
        .allSatisfy(
            name ->
                assertThat(String.valueOf(Modifiers.parse(List.of(name)).error()))
                    .doesNotContain("unknown modifier"));
  }

  @Test
  void unsupportedAndUnknownModifiersNameFileLineAndModifier() {
    assertThatThrownBy(() -> awsMatches("sel:\n  a|minute: 5\ncondition: sel", "{}"))
        .hasMessageContaining("test.yml:6")
        .hasMessageContaining("'minute' is not supported");
    assertThatThrownBy(() -> awsMatches("sel:\n  a|bogus: 5\ncondition: sel", "{}"))
        .hasMessageContaining("unknown modifier 'bogus'")
        .hasMessageNotContaining("did you mean");
    assertThatThrownBy(() -> awsMatches("sel:\n  a|contians: x\ncondition: sel", "{}"))
        .hasMessageContaining("unknown modifier 'contians'; did you mean 'contains'?");
    assertThatThrownBy(() -> awsMatches("sel:\n  a|contains|base64: x\ncondition: sel", "{}"))
        .hasMessageContaining("'base64' must come before");
    // Sigma encodes the text (wide), then the bytes in base64: the other order is refused with
    // the right one, not silently read as it.
    assertThatThrownBy(() -> awsMatches("sel:\n  a|base64|wide: ab\ncondition: sel", "{}"))
        .hasMessageContaining(
            "test.yml:6: 'wide' must come before base64 or base64offset (the text is encoded"
                + " first, then in base64): write |wide|base64");
    assertThatThrownBy(
            () -> awsMatches("sel:\n  a|base64offset|contains|utf16be: ab\ncondition: sel", "{}"))
        .hasMessageContaining("write |utf16be|base64offset|contains");
    assertThatThrownBy(() -> awsMatches("sel:\n  a|wide|utf16be|base64: ab\ncondition: sel", "{}"))
        .hasMessageContaining("'wide' and 'utf16be' are two encodings");
    assertThatThrownBy(() -> awsMatches("sel:\n  a|re: '('\ncondition: sel", "{}"))
        .hasMessageContaining("invalid regular expression");
  }

  @Test
  void canonicalOnlyRulesRefuseRawNames() {
    assertThatThrownBy(() -> Rules.compile(rule("", "sel:\n  eventName: x\ncondition: sel")))
        .isInstanceOf(RuleException.class)
        .hasMessageContaining("unknown field 'eventName'");
  }

  @Test
  void logsourceSelectsTheSource() throws Exception {
    String yaml =
        rule("{product: aws, service: cloudtrail}", "sel:\n  operation: x\ncondition: sel");
    assertThat(Rules.matches(yaml, "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"X\"}")).isTrue();
    assertThat(Rules.matches(yaml, "{\"source\":\"VAULT\",\"operation\":\"x\"}")).isFalse();
    assertThatThrownBy(
            () -> Rules.compile(rule("{product: windows}", "sel:\n  a: 1\ncondition: sel")))
        .hasMessageContaining("logsource product 'windows' is not a Vigil source");
  }
}
