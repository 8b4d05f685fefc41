package dev.vigil.detect.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.RuleSet;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Outcome;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.testing.InlineEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Projection keeps what a route's rules and alerts read. The alert test is the guard of {@link
 * EventProjection#ALERT_FIELDS}: its events set every canonical field, so an alert (its summary,
 * ids, group or sources) that took a field the projection empties would differ.
 */
class EventProjectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2025-01-20T10:00:00Z");
  private static Routes routes;

  @BeforeAll
  static void plan() throws Exception {
    routes = Routes.of(RuleSet.builtIn());
  }

  @Test
  void theActorRouteCarriesWhatItsRulesAndAlertsReadAndNothingElse() {
    Route actor =
        routes.routes().stream()
            .filter(r -> r.kind() == Route.Kind.CORRELATION)
            .filter(r -> r.description().contains("actor.id"))
            .findFirst()
            .orElseThrow();
    AuditEvent whole = event(1, "VAULT", "alice", "SECRET_ACCESS", "read", "secret/data/a", false);

    AuditEvent projected = actor.projection().apply(whole);

    assertThat(projected.getRaw()).isEmpty();
    assertThat(projected.getOrigin()).isEmpty();
    assertThat(projected.getActor().getSession()).isNull();
    assertThat(projected.getActor().getAuthMethod()).isNull();
    assertThat(projected.getSrc().getUserAgent()).isNull();
    assertThat(projected.getTarget().getRegion()).isNull();
    // Read by the rules (break-glass policies, secret reads) or the alerts (summary).
    assertThat(projected.getErrorMessage()).isEqualTo(whole.getErrorMessage());
    assertThat(projected.getActor().getPolicies()).isEqualTo(whole.getActor().getPolicies());
    assertThat(projected.getCategory()).isEqualTo(whole.getCategory());
    assertThat(projected.getTarget().getResource()).isEqualTo("secret/data/a");
    assertThat(projected.getTarget().getAccount()).isEqualTo(whole.getTarget().getAccount());
    assertThat(projected.getSrc().getIp()).isEqualTo(whole.getSrc().getIp());
    // The original is untouched.
    assertThat(whole.getActor().getSession()).isNotNull();
    assertThat(whole.getRaw()).isNotEmpty();
  }

  @Test
  void everyRouteOfTheBuiltInPackAlertsTheSameOnProjectedEventsAsOnWholeOnes() {
    List<AuditEvent> events = new ArrayList<>();
    int second = 0;
    for (int i = 0; i < 12; i++) {
      events.add(event(second += 10, "AWS_CLOUDTRAIL", "mallory", "OTHER", "read", "x", true));
    }
    for (int i = 0; i < 55; i++) {
      events.add(
          event(
              second += 5, "VAULT", "reader", "SECRET_ACCESS", "read", "secret/data/" + i, false));
    }
    events.add(
        event(
            second += 5, "AWS_CLOUDTRAIL", "break-glass-admin/jane", "OTHER", "read", "y", false));
    events.add(
        event(
            second += 5,
            "AWS_CLOUDTRAIL",
            "break-glass-admin/jane",
            "SECRET_ACCESS",
            "read",
            "prod/db",
            false));
    AuditEvent root =
        event(second += 5, "VAULT", "root", "SYSTEM", "update", "sys/mounts/x", false);
    root.getActor().setRoot(true);
    events.add(root);
    // A failed act's summary says why it failed.
    AuditEvent failedRoot =
        event(second += 5, "AWS_CLOUDTRAIL", "root", "AUTHENTICATION", "login", "signin", false);
    failedRoot.getActor().setRoot(true);
    failedRoot.setOutcome(Outcome.FAILURE);
    events.add(failedRoot);
    events.add(
        event(
            second += 5, "VAULT", "alice", "POLICY_CHANGE", "update", "sys/policies/acl/a", false));

    Set<String> detections = new java.util.TreeSet<>();
    for (Route route : routes.routes()) {
      List<Alert> whole = judge(route, events, UnaryOperator.identity());
      List<Alert> projected = judge(route, events, route.projection()::apply);
      assertThat(projected.stream().map(AlertJson::toJson).toList())
          .as(route.description())
          .containsExactlyElementsOf(whole.stream().map(AlertJson::toJson).toList());
      whole.forEach(a -> detections.add(a.detection()));
    }
    assertThat(detections)
        .contains(
            "denied_access_spike",
            "mass_secret_reads",
            "break_glass_use",
            "root_token_use",
            "policy_change");
  }

  private static List<Alert> judge(
      Route route, List<AuditEvent> events, UnaryOperator<AuditEvent> projection) {
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(route.pack(), alerts::add)) {
      for (AuditEvent event : events) {
        engine.accept(projection.apply(event));
      }
      engine.flush();
    }
    return alerts;
  }

  private static int serial;

  /** An event with every canonical field set. */
  private static AuditEvent event(
      int second,
      String source,
      String actor,
      String category,
      String action,
      String resource,
      boolean denied) {
    ObjectNode event = JSON.createObjectNode();
    event.put("source", source);
    event.put("time", T0.plusSeconds(second).toString());
    event.put("category", category);
    event.put("action", action);
    event.put("operation", action + "-op");
    event.put("outcome", denied ? "FAILURE" : "SUCCESS");
    event.put("denied", denied);
    event.put("error_code", denied ? "AccessDenied" : "none");
    event.put("error_message", "message of " + actor);
    ObjectNode who = event.putObject("actor");
    who.put("id", "id-" + actor)
        .put("name", actor)
        .put("type", "USER")
        .put("session", "session-" + actor)
        .put("auth_method", "oidc")
        .put("mfa", true);
    who.putArray("policies").add("default").add("team-" + actor);
    event.putObject("src").put("ip", "198.51.100.7").put("user_agent", "agent/" + actor);
    event
        .putObject("target")
        .put("resource", resource)
        .put("type", "secret")
        .put("account", "111122223333")
        .put("region", "eu-west-1");
    event.putObject("raw").put("eventSource", "iam.amazonaws.com").put("note", actor);
    return InlineEvents.build(event, serial++, 0, 0, 0, "origin-of-" + actor);
  }
}
