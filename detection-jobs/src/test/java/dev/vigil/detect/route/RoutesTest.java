package dev.vigil.detect.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.RuleSet;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.engine.VigilEvent;
import dev.vigil.rules.testing.InlineEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the built-in pack partitions events. */
class RoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Routes routes;

  @TempDir static Path rulesDir;

  @BeforeAll
  static void plan() throws Exception {
    routes = Routes.of(RuleSet.builtIn());
  }

  @Test
  void correlationsGroupedByTheSameFieldsShareOneRoute() {
    List<Route> correlationRoutes =
        routes.routes().stream().filter(r -> r.kind() == Route.Kind.CORRELATION).toList();
    assertThat(correlationRoutes)
        .anySatisfy(
            route -> {
              assertThat(route.description()).isEqualTo("group-by [actor.id]");
              assertThat(route.pack().correlations())
                  .extracting(c -> c.rule().meta().detection())
                  .contains("denied_access_spike", "mass_secret_reads");
              // Window plus suppression of the longest one (break-glass use and its escalation:
              // a 1 h window, suppressed as long by default).
              assertThat(route.retention()).isEqualTo(Duration.ofHours(2));
            });
    assertThat(routes.route(0).kind()).isEqualTo(Route.Kind.EVENT);
    // The event route keeps its events as long as an await_response rule's request waits for its
    // response (root_token_issue_unanswered: 2m), so that a restored engine waits on.
    assertThat(routes.route(0).retention()).isEqualTo(Duration.ofMinutes(2));
  }

  /**
   * A route's identity starts every key in state: it must be the same in every JVM and every
   * version for the same kind and fields, or a savepoint's state would lose its route. These values
   * are in savepoints already; changing them loses every restored window.
   */
  @Test
  void aRouteIdentityIsItsKindAndFieldsHashedTheSameEverywhere() {
    assertThat(actorRoute().id()).isEqualTo("cRoJaXJWr");
    assertThat(routes.route(0).id()).isEqualTo("euOH4C9cK");
    assertThat(Route.identity(Route.Kind.SUPPRESS, "suppress:[src.ip]"))
        .startsWith("s")
        .hasSize(9)
        .isNotEqualTo(Route.identity(Route.Kind.SUPPRESS, "suppress:[actor.id]"));
    assertThat(routes.routes()).extracting(Route::id).doesNotHaveDuplicates();
  }

  @Test
  void eachBaseRuleFeedsItsRouteOnceAndRulesWithAnIndexKeyAreTriedFirst() {
    Route actor = actorRoute();
    List<String> names =
        actor.keyedRules().stream().map(k -> k.rule().rule().meta().name()).toList();
    // break_glass_activity feeds two correlations (use and escalation) and has no index key.
    assertThat(names)
        .containsExactlyInAnyOrder(
            "break_glass_activity", "break_glass_privileged_action", "denied_access", "secret_read")
        .endsWith("break_glass_activity");
  }

  @Test
  void onlyRoutesWhoseRulesReadRawFieldsNeedTheRawRecord() {
    assertThat(actorRoute().projection().keepsRaw()).isFalse();
    // The GCP audit-logging rules read protoPayload fields of the raw record.
    assertThat(routes.route(0).projection().keepsRaw()).isTrue();
  }

  @Test
  void aRuleWithAKeywordSearchOrARawFieldReadsTheRawRecord() throws Exception {
    assertThat(FieldReads.of(compile("keywords:\n    - 'mimikatz'\n  condition: keywords")).raw())
        .isTrue();
    assertThat(
            FieldReads.of(
                    compile(
                        "selection:\n    eventSource: cloudtrail.amazonaws.com\n  condition: selection",
                        "product: aws\n  service: cloudtrail"))
                .raw())
        .isTrue();
    assertThat(
            FieldReads.of(
                compile("selection:\n    operation: StopLogging\n  condition: selection")))
        .satisfies(reads -> assertThat(reads.raw()).isFalse())
        .satisfies(reads -> assertThat(reads.canonical()).containsExactly("operation"));
  }

  @Test
  void theRoutersIndexKeyLookupTurnsAwayOnlyEventsTheRuleCannotMatch() throws Exception {
    CompiledPack pack =
        compile(
            "selection:\n    operation:\n      - StopLogging\n      - Café\n  condition: selection");
    CompiledRule rule = pack.rules().get(0);
    assertThat(rule.indexKey()).isNotNull();
    assertThat(rule.indexKey().field()).isEqualTo(new FieldRef.Canonical("operation"));
    Route.KeyedRule keyed = new Route.KeyedRule(rule, List.of());
    assertThat(keyed.indexLookup()).isNotNull();

    assertThat(Route.matches(keyed, view(pack, "STOPLOGGING"))).isTrue();
    assertThat(Route.matches(keyed, view(pack, "CAFÉ"))).isTrue();
    assertThat(Route.matches(keyed, view(pack, "StartLogging"))).isFalse();
    assertThat(Route.matches(keyed, view(pack, "Cafe"))).isFalse();
    assertThat(Route.matches(keyed, view(pack, ""))).isFalse();
  }

  private static VigilEvent view(CompiledPack pack, String operation) {
    ObjectNode node = JSON.createObjectNode();
    node.put("source", "AWS_CLOUDTRAIL");
    node.put("operation", operation);
    return VigilEvent.standalone(InlineEvents.build(node, serial++, 0, 0, 0, "test"), pack);
  }

  @Test
  void anEventNoRuleMatchesTakesNoRoute() {
    assertThat(keys(event(false, "alice"))).isEmpty();
  }

  @Test
  void anEventASingleEventRuleMatchesTakesTheEventRouteKeyedByItsRequest() {
    AuditEvent root = event(false, "123456789012");
    root.getActor().setRoot(true);
    List<String> keys = keys(root);
    assertThat(keys).hasSize(1);
    assertThat(routes.byId(Route.routeIdOf(keys.get(0))).index()).isZero();
    assertThat(keys.get(0)).endsWith(root.getEventId());
  }

  @Test
  void aDenialGoesToItsActorsGroupAndTheSameActorAlwaysToTheSameKey() {
    List<String> first = keys(event(true, "mallory"));
    List<String> second = keys(event(true, "mallory"));
    List<String> other = keys(event(true, "bob"));
    assertThat(first).hasSize(1);
    assertThat(first.get(0)).isEqualTo(second.get(0));
    assertThat(other.get(0)).isNotEqualTo(first.get(0));
    assertThat(routes.byId(Route.routeIdOf(first.get(0))).kind()).isEqualTo(Route.Kind.CORRELATION);
  }

  @Test
  void anEventWithoutTheGroupByValueJoinsNoGroup() {
    assertThat(keys(event(true, null))).isEmpty();
  }

  private static Route actorRoute() {
    return routes.routes().stream()
        .filter(r -> r.description().equals("group-by [actor.id]"))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> keys(AuditEvent event) {
    List<String> keys = new ArrayList<>();
    routes.route(event, (route, key) -> keys.add(key));
    return keys;
  }

  private static int serial;

  private static AuditEvent event(boolean denied, String actor) {
    ObjectNode event = JSON.createObjectNode();
    event.put("source", "AWS_CLOUDTRAIL");
    event.put("denied", denied);
    ObjectNode actorNode = event.putObject("actor");
    if (actor != null) {
      actorNode.put("id", actor);
    }
    return InlineEvents.build(event, serial++, 0, 0, 0, "test");
  }

  private static CompiledPack compile(String detection) throws Exception {
    return compile(detection, null);
  }

  /** A pack of one rule with the given detection (and logsource), through the real loader. */
  private static CompiledPack compile(String detection, String logsource) throws Exception {
    Path dir = Files.createTempDirectory(rulesDir, "rule");
    Files.writeString(
        dir.resolve("rule.yml"),
        "title: Probe\n"
            + "id: 0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f\n"
            + "status: test\n"
            + "level: high\n"
            + (logsource == null ? "" : "logsource:\n  " + logsource + "\n")
            + "detection:\n  "
            + detection
            + "\n");
    return PackCompiler.compile(RulePack.load(List.of(dir)));
  }
}
