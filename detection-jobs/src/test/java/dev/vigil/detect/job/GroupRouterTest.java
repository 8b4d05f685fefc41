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
  void aRouteThatReadsNoRawFieldGetsTheEventWithoutItsRawRecordAndNothingElseChanged()
      throws Exception {
    Routes routes = Routes.of(RuleSet.builtIn());
    ObjectNode node = JSON.createObjectNode();
    node.put("source", "AWS_CLOUDTRAIL");
    node.put("denied", true);
    node.put("operation", "GetSecretValue");
    node.putObject("actor").put("id", "arn:aws:iam::111122223333:user/mallory").put("root", true);
    node.putObject("raw").put("eventName", "GetSecretValue");
    AuditEvent event = InlineEvents.build(node, 0, 0, 0, 0, "test");

    List<RoutedEvent> routed = new ArrayList<>();
    GroupRouter.routed(routes, event, 42, routed::add);

    // Root use (the event route, whose GCP rules read raw fields) and the actor's denials.
    assertThat(routed).hasSize(2);
    for (RoutedEvent out : routed) {
      Route route = routes.route(Route.routeOf(out.key));
      assertThat(out.ingestedAt).isEqualTo(42);
      if (route.readsRaw()) {
        assertThat(out.event).isSameAs(event);
      } else {
        assertThat(out.event.getRaw()).isEmpty();
        AuditEvent restored = AuditEvent.newBuilder(out.event).setRaw(event.getRaw()).build();
        assertThat(restored).isEqualTo(event);
      }
    }
    assertThat(routed)
        .extracting(r -> routes.route(Route.routeOf(r.key)).readsRaw())
        .containsExactlyInAnyOrder(true, false);
    assertThat(event.getRaw()).contains("GetSecretValue");
  }
}
