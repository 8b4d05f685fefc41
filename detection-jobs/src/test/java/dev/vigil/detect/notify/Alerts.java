package dev.vigil.detect.notify;

import dev.vigil.rules.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alerts for tests, shaped like the built-in pack's. */
final class Alerts {

  static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  private Alerts() {}

  /**
   * A correlation's alert shaped like the built-in {@code denied_access_spike}'s: its rule name is
   * the detection, its summary the rule title, the count, the group and the last act.
   */
  static Alert alert(
      String alertId,
      String ruleId,
      String severity,
      String detection,
      Map<String, String> group,
      Instant time) {
    Instant start = time.minusSeconds(300);
    return new Alert(
        alertId,
        ruleId,
        detection,
        "Denied access spike",
        1,
        "Vigil",
        detection,
        severity,
        time,
        start,
        time,
        group,
        List.of("VAULT"),
        List.of("ev-1:request", "ev-2:request", "ev-3:request"),
        12,
        "Denied access spike: 12 events by "
            + Notification.groupText(group)
            + " within 5m ("
            + start
            + " to "
            + time
            + "); last: alice was denied read on secret/data/payments from 198.51.100.7",
        List.of("attack.discovery", "attack.t1087"));
  }

  /** A denied-access spike for {@code actor}, {@code secondsLater} after {@link #T0}. */
  static Alert spike(String alertId, String actor, long secondsLater) {
    return alert(
        alertId,
        "afd1b446-ce0e-4d35-8b73-13c62c1c9120",
        "high",
        "denied_access_spike",
        Map.of("actor.id", actor),
        T0.plusSeconds(secondsLater));
  }

  /**
   * A root credential use as the built-in single-event rule alerts it: the actor is its group,
   * {@code secondsLater} after {@link #T0}.
   */
  static Alert rootUse(
      String alertId, String actorId, String source, String act, long secondsLater) {
    Instant time = T0.plusSeconds(secondsLater);
    return new Alert(
        alertId,
        "65065d23-db52-4ac9-87b3-8acb9667497d",
        "root_token_use",
        "Root credential used",
        2,
        "Vigil",
        "root_token_use",
        "critical",
        time,
        time,
        time,
        Map.of("actor.id", actorId),
        List.of(source),
        List.of("ev-" + alertId.substring(60)),
        1,
        "Root credential used: " + act,
        List.of("attack.privilege-escalation"));
  }

  /** A 64-hex-character id, like the pack's SHA-256 alert ids. */
  static String id(int n) {
    return String.format("%064x", n);
  }
}
