package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.rules.Alert;
import dev.vigil.rules.RulePack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/notify.md's payload examples are what on-call and receiver authors build on: every field
 * they show is sent, with the value shown, and nothing is sent that they do not show. A value with
 * {@code …} stands for one that differs per alert: only its type is compared. An object with a
 * {@code "…"} key lists some of its fields only.
 */
class PayloadDocsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ELLIPSIS = "…";

  @Test
  void everyDocumentedPayloadIsWhatIsSentFieldByField() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "notify.md"));
    Alert alert = Alerts.spike(Alerts.id(42), "alice", 0);
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver hook = new Receiver(204, "");
        Receiver slack = new Receiver(200, "ok")) {
      Map<String, Object> webhook = AlertDispatcherTest.pagerDuty(hook.uri("/hooks/vigil"));
      webhook.remove("routing_key_env");
      webhook.put("type", "webhook");
      webhook.put("hmac_key_env", "VIGIL_WEBHOOK_KEY");
      Map<String, Object> chat = new LinkedHashMap<>();
      chat.put("type", "slack");
      chat.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      Map<String, String> env = new HashMap<>();
      env.put("VIGIL_PD_ROUTING_KEY", AlertDispatcherTest.ROUTING_KEY);
      env.put("VIGIL_WEBHOOK_KEY", AlertDispatcherTest.HMAC_KEY);
      env.put("VIGIL_SLACK_WEBHOOK_URL", slack.uri("/services/T1/B1/X").toString());
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              AlertDispatcherTest.config(
                  Map.of(
                      "oncall",
                      AlertDispatcherTest.pagerDuty(pagerDuty.uri("/v2/enqueue")),
                      "siem",
                      webhook,
                      "secops",
                      chat)),
              env::get,
              AlertDispatcherTest.NO_RULE_ROUTES,
              RuleGuidance.byRuleId(RulePack.builtIn())::get)) {
        dispatcher.submit(alert);
        assertThat(dispatcher.flush(AlertDispatcherTest.FLUSH)).isTrue();
      }
      assertMatches(example(doc, "### PagerDuty (Events API v2)"), only(pagerDuty));
      assertMatches(example(doc, "### Webhook"), only(hook));
      assertMatches(example(doc, "### Slack (incoming webhook)"), only(slack));
    }
  }

  /** The matcher itself: a field the docs do not show, or a value unlike theirs, is caught. */
  @Test
  void aFieldOrValueTheDocsDoNotShowIsCaught() throws IOException {
    JsonNode documented =
        MAPPER.readTree("{\"a\": \"x\", \"id\": \"3f7c…\", \"n\": {\"b\": [1, 2]}}");
    assertThat(
            mismatches(
                documented, MAPPER.readTree("{\"a\":\"x\",\"id\":\"9\",\"n\":{\"b\":[1,2]}}")))
        .isEmpty();
    assertThat(
            mismatches(
                documented, MAPPER.readTree("{\"a\":\"y\",\"id\":\"9\",\"n\":{\"b\":[1,2]}}")))
        .containsExactly("/a: documented \"x\", sent \"y\"");
    assertThat(
            mismatches(
                documented,
                MAPPER.readTree("{\"a\":\"x\",\"id\":\"9\",\"n\":{\"b\":[1,2],\"c\":1}}")))
        .containsExactly("/n: documented fields [b], sent [b, c]");
    assertThat(mismatches(documented, MAPPER.readTree("{\"a\":\"x\",\"id\":9,\"n\":{\"b\":[1]}}")))
        .containsExactly("/id: documented a text, sent 9", "/n/b: documented 2 elements, sent 1");
  }

  private static JsonNode only(Receiver receiver) throws IOException {
    List<JsonNode> bodies = AlertDispatcherTest.bodies(receiver);
    assertThat(bodies).hasSize(1);
    return bodies.get(0);
  }

  /** The first {@code ```json} block after {@code heading}. */
  private static JsonNode example(String doc, String heading) throws IOException {
    int at = doc.indexOf("\n" + heading + "\n");
    assertThat(at).as("docs/notify.md has a section %s", heading).isNotNegative();
    int start = doc.indexOf("```json\n", at);
    assertThat(start).as("docs/notify.md has a json example under %s", heading).isNotNegative();
    start += "```json\n".length();
    return MAPPER.readTree(doc.substring(start, doc.indexOf("\n```", start)));
  }

  private static void assertMatches(JsonNode documented, JsonNode sent) {
    assertThat(mismatches(documented, sent)).as("sent: %s", sent).isEmpty();
  }

  private static List<String> mismatches(JsonNode documented, JsonNode sent) {
    List<String> out = new ArrayList<>();
    compare("", documented, sent, out);
    return out;
  }

  private static void compare(String path, JsonNode documented, JsonNode sent, List<String> out) {
    if (documented.isObject()) {
      if (!sent.isObject()) {
        out.add(path + ": documented an object, sent " + sent);
        return;
      }
      Set<String> shown = new TreeSet<>();
      documented.fieldNames().forEachRemaining(shown::add);
      Set<String> actual = new TreeSet<>();
      sent.fieldNames().forEachRemaining(actual::add);
      boolean partial = shown.remove(ELLIPSIS);
      if (partial ? !actual.containsAll(shown) : !actual.equals(shown)) {
        out.add(path + ": documented fields " + shown + ", sent " + actual);
        return;
      }
      for (String field : shown) {
        compare(path + "/" + field, documented.get(field), sent.get(field), out);
      }
    } else if (documented.isArray()) {
      if (!sent.isArray()) {
        out.add(path + ": documented an array, sent " + sent);
      } else if (hasPlaceholder(documented)) {
        // A list shown by example (event ids): its elements only need to be of the same kind.
        for (JsonNode element : sent) {
          if (element.getNodeType() != documented.get(0).getNodeType()) {
            out.add(path + ": documented " + documented + ", sent " + sent);
            return;
          }
        }
      } else if (documented.size() != sent.size()) {
        out.add(path + ": documented " + documented.size() + " elements, sent " + sent.size());
      } else {
        for (int i = 0; i < documented.size(); i++) {
          compare(path + "/" + i, documented.get(i), sent.get(i), out);
        }
      }
    } else if (documented.isTextual() && documented.asText().contains(ELLIPSIS)) {
      if (!sent.isTextual() || sent.asText().isEmpty()) {
        out.add(path + ": documented a text, sent " + sent);
      }
    } else if (!documented.equals(sent)) {
      out.add(path + ": documented " + documented + ", sent " + sent);
    }
  }

  private static boolean hasPlaceholder(JsonNode array) {
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      JsonNode element = it.next();
      if (element.isTextual() && element.asText().contains(ELLIPSIS)) {
        return true;
      }
    }
    return false;
  }
}
