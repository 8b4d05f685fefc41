package dev.vigil.benchmarks.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.EventIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Set;

/**
 * The identity by which the benchmark compares the two jobs' alerts (their alert ids differ: the
 * baseline has no rule ids). A windowed alert is its rule's name (two correlations of the pack
 * share the {@code break_glass_use} detection and may fire at one instant), {@code actor.id} and
 * the event time of the firing; a single-event alert is its detection and the request it is about
 * (a Vault request and its response are one request; the pack's rules of one detection never match
 * one event together).
 */
public final class AlertKeys {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The pack's correlations the baseline's {@code ActorDetector} stands for, by rule name. */
  static final Set<String> WINDOWED_RULES =
      Set.of(
          "denied_access_spike", "mass_secret_reads", "break_glass_use", "break_glass_escalation");

  private AlertKeys() {}

  static String windowed(String rule, String actorId, long time) {
    return rule + " actor.id=" + actorId + " at " + Instant.ofEpochMilli(time);
  }

  static String single(String detection, String requestKey) {
    return detection + " request=" + requestKey;
  }

  /** The key of one of Vigil's alerts, from its JSON document (DESIGN.md, "The alert"). */
  public static String ofVigilAlert(String json) {
    JsonNode alert;
    try {
      alert = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Vigil wrote an alert that is not JSON", e);
    }
    String detection = alert.path("detection").asText();
    JsonNode actorId = alert.path("group").path("actor.id");
    // A single-event alert names its actor in group too (docs/rules.md, "Group"): the rule decides.
    if (WINDOWED_RULES.contains(alert.path("rule_name").asText()) && !actorId.isMissingNode()) {
      long time = Instant.parse(alert.path("time").asText()).toEpochMilli();
      return windowed(alert.path("rule_name").asText(), actorId.asText(), time);
    }
    // A single-event alert is about one event: its one source and its id.
    Source source = Source.valueOf(alert.path("sources").path(0).asText());
    return single(detection, EventIds.requestKey(source, alert.path("event_ids").path(0).asText()));
  }
}
