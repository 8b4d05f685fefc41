package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.rules.Rules;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConditionParserTest {

  @Test
  void notBindsTighterThanAndWhichBindsTighterThanOr() {
    Condition parsed = ConditionParser.parse("a or not b and c");
    assertThat(parsed)
        .isEqualTo(
            new Condition.Or(
                new Condition.Ref("a"),
                new Condition.And(
                    new Condition.Not(new Condition.Ref("b")), new Condition.Ref("c"))));
    assertThat(ConditionParser.parse("(a or b) and c"))
        .isEqualTo(
            new Condition.And(
                new Condition.Or(new Condition.Ref("a"), new Condition.Ref("b")),
                new Condition.Ref("c")));
    assertThat(ConditionParser.parse("NOT 1 of filter_*"))
        .isEqualTo(new Condition.Not(new Condition.Quantified(false, "filter_*")));
    assertThat(ConditionParser.parse("all of them"))
        .isEqualTo(new Condition.Quantified(true, "them"));
  }

  @Test
  void errorsSayWhatIsWrong() {
    assertThatThrownBy(() -> ConditionParser.parse("selection | count() by user > 5"))
        .hasMessageContaining("correlation rule (type event_count or value_count)");
    assertThatThrownBy(() -> ConditionParser.parse("selection | near other"))
        .hasMessageContaining("'| near' was removed in Sigma 2")
        .hasMessageContaining("type temporal");
    assertThatThrownBy(() -> ConditionParser.parse("2 of sel*"))
        .hasMessageContaining("'1 of' or 'all of'");
    assertThatThrownBy(() -> ConditionParser.parse("(a and b"))
        .hasMessageContaining("misses a ')'");
    assertThatThrownBy(() -> ConditionParser.parse("a and")).hasMessageContaining("ends too early");
    assertThatThrownBy(() -> ConditionParser.parse("a b")).hasMessageContaining("unexpected 'b'");
  }

  /** Fuzz finding: 3,000 parentheses overflowed the stack instead of being refused. */
  @Test
  void refusesConditionsNestedOrJoinedPastTheBoundsWithAMessage() {
    String deepest = "(".repeat(100) + "a" + ")".repeat(100);
    assertThat(ConditionParser.parse(deepest)).isEqualTo(new Condition.Ref("a"));
    assertThatThrownBy(() -> ConditionParser.parse("(".repeat(3000) + "a" + ")".repeat(3000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the condition nests parentheses and 'not' more than 100 levels deep: write it with"
                + " fewer levels");
    assertThatThrownBy(() -> ConditionParser.parse("not ".repeat(20_000) + "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than 100 levels deep");
    assertThat(ConditionParser.parse(String.join(" or ", java.util.Collections.nCopies(1001, "a"))))
        .isInstanceOf(Condition.Or.class);
    assertThatThrownBy(
            () ->
                ConditionParser.parse(
                    String.join(" and ", java.util.Collections.nCopies(50_000, "a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the condition joins 50000 terms with 'and'/'or', more than 1000");
  }

  @Test
  void themSkipsUnderscoreIdentifiersAndPatternsUseWildcards() {
    Set<String> names =
        new java.util.LinkedHashSet<>(List.of("sel_a", "sel_b", "_helper", "filter"));
    assertThat(SearchCompiler.matching("them", names)).containsExactly("sel_a", "sel_b", "filter");
    assertThat(SearchCompiler.matching("sel_*", names)).containsExactly("sel_a", "sel_b");
    assertThat(SearchCompiler.matching("*a", names)).containsExactly("sel_a");
  }

  @Test
  void quantifiersEvaluateAsSigmaSays() throws Exception {
    String yaml =
        """
        title: t
        id: 11111111-1111-4111-8111-111111111111
        detection:
          sel_a:
            action: read
          sel_b:
            action: list
          _always:
            source: VAULT
          condition: 1 of sel_* and not all of them
        """;
    assertThat(Rules.matches(yaml, "{\"source\":\"VAULT\",\"action\":\"read\"}")).isTrue();
    assertThat(Rules.matches(yaml, "{\"source\":\"VAULT\",\"action\":\"delete\"}")).isFalse();
  }

  @Test
  void aggregationSyntaxIsRejectedWithTheLine() {
    String yaml =
        """
        title: t
        id: 11111111-1111-4111-8111-111111111111
        detection:
          sel:
            action: read
          condition: sel | count() by actor.id > 5
        """;
    assertThatThrownBy(() -> Rules.compile(yaml))
        .hasMessageContaining("test.yml:6:")
        .hasMessageContaining("use")
        .hasMessageContaining("correlation rule");
  }
}
