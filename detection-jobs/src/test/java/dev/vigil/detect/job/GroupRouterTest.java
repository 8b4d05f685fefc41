package dev.vigil.detect.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Route;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.testing.InlineEvents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the router sends on: the raw record only to routes whose rules read it. */
class GroupRouterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachRouteGetsTheEventProjectedToWhatItsRulesAndAlertsRead() throws Exception {
    Routes routes = Routes.of(RuleSet.builtIn());
    ObjectNode node = JSON.createObjectNode();
    node.put("source", "AWS_CLOUDTRAIL");
    node.put("denied", true);
    node.put("operation", "GetSecretValue");
    node.putObject("actor")
        .put("id", "arn:aws:iam::111122223333:user/mallory")
        .put("root", true)
        .put("session", "mallory-session");
    node.putObject("src").put("ip", "203.0.113.5").put("user_agent", "aws-cli/2.15.0");
    node.putObject("raw").put("eventName", "GetSecretValue");
    AuditEvent event = InlineEvents.build(node, 0, 0, 0, 0, "test");

    List<RoutedEvent> routed = new ArrayList<>();
    GroupRouter.routed(routes, event, 42, routed::add);

    // Root use (the event route, whose GCP rules read raw fields) and the actor's denials.
    assertThat(routed).hasSize(2);
    for (RoutedEvent out : routed) {
      Route route = routes.byId(Route.routeIdOf(out.key));
      assertThat(out.ingestedAt).isEqualTo(42);
      if (route.projection().keepsRaw()) {
        // The event route: the GCP audit-logging rules read the raw record.
        assertThat(out.event.getRaw()).isSameAs(event.getRaw());
      } else {
        assertThat(out.event.getRaw()).isEmpty();
      }
      // Neither route's rules nor the alerts read the session, the user agent or the origin; what
      // they read is there.
      assertThat(out.event.getOrigin()).isEmpty();
      assertThat(out.event.getActor().getSession()).isNull();
      assertThat(out.event.getSrc().getUserAgent()).isNull();
      assertThat(out.event.getSrc().getIp()).isEqualTo("203.0.113.5");
      assertThat(out.event.getActor().getId()).isEqualTo(event.getActor().getId());
      assertThat(out.event.getActor().getRoot()).isTrue();
      assertThat(out.event.getDenied()).isTrue();
      assertThat(out.event.getOperation()).isEqualTo("GetSecretValue");
      assertThat(out.event.getEventId()).isEqualTo(event.getEventId());
      assertThat(out.event.getTime()).isEqualTo(event.getTime());
    }
    assertThat(routed)
        .extracting(r -> routes.byId(Route.routeIdOf(r.key)).projection().keepsRaw())
        .containsExactlyInAnyOrder(true, false);
    // The original is untouched: the events output writes it whole.
    assertThat(event.getRaw()).contains("GetSecretValue");
    assertThat(event.getActor().getSession()).isEqualTo("mallory-session");
  }
}
