package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.engine.CompiledPack;
import org.junit.jupiter.api.Test;

class RuleExplainerTest {

  private static final String SECRET_READS =
      """
      title: AWS secret read
      id: 11111111-1111-4111-8111-111111111111
      name: aws_secret_read
      level: low
      logsource: {product: aws, service: cloudtrail}
      detection:
        selection:
          eventName: GetSecretValue
        condition: selection
      ---
      title: Vault secret read
      id: 22222222-2222-4222-8222-222222222222
      name: vault_secret_read
      level: low
      logsource: {product: hashicorp, service: vault}
      detection:
        selection:
          request.operation: read
        condition: selection
      ---
      title: Many secrets read by one identity
      id: 33333333-3333-4333-8333-333333333333
      name: many_secret_reads
      level: high
      correlation:
        type: value_count
        rules: [aws_secret_read, vault_secret_read]
        group-by: [who, source]
        timespan: 10m
        aliases:
          who:
            aws_secret_read: userIdentity.arn
            vault_secret_read: actor.id
        condition: {gte: 3, lt: 100, field: target.resource}
      """;

  @Test
  void theHeaderShowsStatusAndTheSigmaDatesOfTheRule() throws Exception {
    CompiledPack pack =
        Rules.compile(
            SECRET_READS.replace(
                "name: aws_secret_read\n",
                "name: aws_secret_read\nstatus: test\ndate: 2025-01-15\nmodified: 2025-03-01\n"));

    assertThat(RuleExplainer.explain(pack, "aws_secret_read").orElseThrow())
        .contains("\nstatus:      test\ndate:        2025-01-15, modified 2025-03-01\n");
    assertThat(RuleExplainer.explain(pack, "vault_secret_read").orElseThrow())
        .doesNotContain("status:")
        .doesNotContain("date:");
  }

  @Test
  void aCorrelationShowsItsConditionAsSigmaWritesItAndTheFieldsEachRuleIsGroupedBy()
      throws Exception {
    CompiledPack pack = Rules.compile(SECRET_READS);

    String explained = RuleExplainer.explain(pack, "many_secret_reads").orElseThrow();

    assertThat(explained)
        .contains("condition:   gte: 3, lt: 100, field: target.resource\n")
        // Sigma's generate is about the joined rules, which a bare "false" hides.
        .contains("generate:    false (its rules alert only through it)\n")
        .doesNotContain("{gte=3")
        .contains(
            "\ngroup-by per rule (vigil_group(event, ruleIndex, 0) above, the values in this"
                + " order):\n"
                + "  ruleIndex 0 (aws_secret_read): who = userIdentity.arn (alias) ->"
                + " raw.userIdentity.arn, source -> source\n"
                + "  ruleIndex 1 (vault_secret_read): who = actor.id (alias) -> actor.id,"
                + " source -> source\n".replace("vigil_secret_read", "vault_secret_read"))
        .contains(
            "\ncounted per rule (vigil_value(event, ruleIndex, 0) above):\n"
                + "  ruleIndex 0 (aws_secret_read): target.resource -> target.resource\n"
                + "  ruleIndex 1 (vault_secret_read): target.resource -> target.resource\n");
    // The EPL shown is the statement that runs: the one the pack's module compiled.
    String epl = explained.split("\nEPL:\n", 2)[1].split(";\n", 2)[0];
    assertThat(epl).contains("vigil_group(event, ruleIndex, 0)");
    assertThat(pack.epl()).contains(epl + ";\n");
  }
}
