package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.Rules;
import dev.vigil.rules.detect.Gate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The literal search reports, at every place in the text where literals end, exactly the rules of
 * those literals, whatever stretches of the text its scan passes over without a step.
 */
class LiteralSearchTest {

  @Test
  void reportsWhatANaiveSearchFindsAtEveryPlace() {
    Random random = new Random(21);
    // Few letters, so that literals overlap, share prefixes and end inside one another; the text
    // adds upper case, characters in no literal, non-ASCII ones (the Kelvin sign folds into k).
    String literalLetters = "abk\\0:-";
    String textLetters = "abkABK\\0:-xyz \"\u212A\u00e9";
    for (int round = 0; round < 2_000; round++) {
      Map<String, int[]> rulesByLiteral = new LinkedHashMap<>();
      int literals = 1 + random.nextInt(8);
      for (int i = 0; i < literals; i++) {
        String literal = randomText(random, literalLetters, 1 + random.nextInt(4));
        rulesByLiteral.put(literal, new int[] {i, -1 - random.nextInt(3)});
      }
      LiteralSearch search = new LiteralSearch(rulesByLiteral);
      String text = randomText(random, textLetters, random.nextInt(60));
      assertThat(reports(search, text))
          .as("literals %s in '%s'", rulesByLiteral.keySet(), text)
          .isEqualTo(naiveReports(rulesByLiteral, text));
    }
  }

  @Test
  void aLiteralAfterALongStretchOfOtherTextIsFoundAtTheEnd() {
    LiteralSearch search =
        new LiteralSearch(Map.of("\\", new int[] {-1}, "assumed-role", new int[] {3}));
    String filler = "{\"eventName\":\"GetObject\",\"x\":\"".repeat(200);
    assertThat(reports(search, filler)).isEmpty();
    assertThat(reports(search, filler + "Assumed-Role")).containsExactly("[3]");
    assertThat(reports(search, filler + "\\")).containsExactly("[-1]");
    assertThat(reports(search, "\\" + filler)).containsExactly("[-1]");
  }

  @Test
  void aRecordRepeatingALiteralSelectsItsRulesOnce() throws Exception {
    // The raw record holds the keyword 500 times; its rule is a candidate once and alerts once.
    CompiledPack pack =
        Rules.compile(
            "title: keyword\nid: 00000000-0000-4000-8000-000000000001\n"
                + "logsource: {product: aws, service: cloudtrail}\n"
                + "detection:\n  keywords:\n    - 'repeated-word'\n  condition: keywords\n");
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"GetObject\",\"raw\":{\"words\":\""
                  + "Repeated-Word ".repeat(500)
                  + "\"}}"));
      engine.flush();
      assertThat(alerts).containsExactly("keyword");
      assertThat(engine.matcherRuns()).isEqualTo(1);
    }
  }

  private static String randomText(Random random, String letters, int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(letters.charAt(random.nextInt(letters.length())));
    }
    return out.toString();
  }

  private static List<String> reports(LiteralSearch search, String text) {
    List<String> out = new ArrayList<>();
    search.scan(text, rules -> out.add(Arrays.toString(rules)));
    return out;
  }

  /** At each place where literals end, the sorted union of their rules. */
  private static List<String> naiveReports(Map<String, int[]> rulesByLiteral, String text) {
    StringBuilder folded = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      folded.append(Gate.fold(text.charAt(i)));
    }
    List<String> out = new ArrayList<>();
    for (int end = 1; end <= folded.length(); end++) {
      TreeSet<Integer> rules = new TreeSet<>();
      for (Map.Entry<String, int[]> entry : rulesByLiteral.entrySet()) {
        String literal = entry.getKey();
        if (end >= literal.length()
            && folded.substring(end - literal.length(), end).equals(literal)) {
          Arrays.stream(entry.getValue()).forEach(rules::add);
        }
      }
      if (!rules.isEmpty()) {
        out.add(rules.toString());
      }
    }
    return out;
  }
}
