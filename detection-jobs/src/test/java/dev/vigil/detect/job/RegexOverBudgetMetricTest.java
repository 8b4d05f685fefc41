package dev.vigil.detect.job;

import static dev.vigil.detect.job.OperatorEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.testing.InlineEvents;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code |re} that runs out of its step budget does not match, and is counted where it ran: the
 * {@code regexOverBudget} metric of the detect operator (its engines) and of the route operator.
 */
class RegexOverBudgetMetricTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Backtracking over it costs {@code x.*y.*y.*z$} far more than 64 reads per character. */
  private static final String HOSTILE_NAME = "x" + "y".repeat(5_000) + "z!";

  private static RuleSet rules;
  private static Routes routes;

  @BeforeAll
  static void compile() throws Exception {
    rules = RuleSet.load(List.of(Path.of("src/test/resources/rules/regex-budget")));
    routes = Routes.of(rules);
  }

  @Test
  void theDetectOperatorExposesTheEnginesCountAsAMetric() throws Exception {
    InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    MockEnvironment environment =
        new MockEnvironmentBuilder()
            .setMetricGroup(
                new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                  @Override
                  public InternalOperatorMetricGroup getOrAddOperator(
                      OperatorID id, String name, Map<String, String> additionalVariables) {
                    return metrics;
                  }
                })
            .build();
    try (var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new DetectionOperator(rules, JobOptions.DEFAULT_VAULT_PAIR_MEMORY),
            RoutedEvent::getKey,
            Types.STRING,
            environment)) {
      harness.open();
      @SuppressWarnings("unchecked")
      Gauge<Long> overBudget = (Gauge<Long>) metrics.get(GroupRouter.REGEX_OVER_BUDGET);
      assertThat(overBudget.getValue()).isZero();

      DetectionHarness.feed(harness, routes, List.of(named(HOSTILE_NAME, 0), named("xyyz", 1)));
      harness.processWatermark(new Watermark(at(10)));

      assertThat(overBudget.getValue()).isEqualTo(1);
      // The regex matched the short name, and the other rule both events.
      assertThat(harness.extractOutputValues()).hasSize(3);
    }
  }

  @Test
  void theRouterCountsTheEvaluationsThatDecideWhereAnEventGoes() {
    List<RoutedEvent> routed = new ArrayList<>();

    // Another actor: only the regex could route it, and it cannot judge the name.
    int overBudget =
        GroupRouter.routed(routes, named(HOSTILE_NAME, "someone-else", 0), 0, routed::add);

    assertThat(overBudget).isEqualTo(1);
    assertThat(routed).isEmpty();
    assertThat(GroupRouter.routed(routes, named("xyyz", "someone-else", 0), 0, routed::add))
        .isZero();
    assertThat(routed).hasSize(1);
  }

  private static AuditEvent named(String name, int second) {
    return named(name, "budget-test", second);
  }

  private static AuditEvent named(String name, String actor, int second) {
    ObjectNode event = JSON.createObjectNode();
    event.put("source", "VAULT");
    event.put("time", Instant.ofEpochMilli(at(second)).toString());
    event.putObject("actor").put("id", actor).put("name", name);
    return InlineEvents.build(event, second, 0, 0, 0, "test");
  }
}
