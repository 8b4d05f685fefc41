package dev.vigil.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small run's output files, in the shapes vigil demo writes them. */
final class Fixtures {

  private Fixtures() {}

  static String alert(String id, String time, String severity, String detection, String tags) {
    return "{\"alert_id\":\""
        + id
        + "\",\"rule_id\":\"r-"
        + detection
        + "\",\"rule_name\":\""
        + detection
        + "\",\"rule_title\":\"Title of "
        + detection
        + "\",\"rule_version\":1,\"rule_author\":\"Vigil\",\"detection\":\""
        + detection
        + "\",\"severity\":\""
        + severity
        + "\",\"time\":\""
        + time
        + "\",\"window_start\":\""
        + time
        + "\",\"window_end\":\""
        + time
        + "\",\"group\":{\"actor.id\":\"alice\"},\"sources\":[\"VAULT\"],\"event_ids\":[\"e1\"],"
        + "\"event_count\":3,\"summary\":\"alice did "
        + detection
        + ", 3 times\",\"tags\":["
        + tags
        + "]}";
  }

  static String event(String id, String time, String source, String category, boolean denied) {
    return "{\"event_id\":\""
        + id
        + "\",\"time\":\""
        + time
        + "\",\"source\":\""
        + source
        + "\",\"category\":\""
        + category
        + "\",\"denied\":"
        + denied
        + ",\"actor\":{\"id\":\"alice\"},\"raw\":\"{\\\"secret\\\":\\\"s3cr3t-value\\\"}\"}";
  }

  static String deadLetter(String reason, String sourceGuess, String receivedAt) {
    return "{\"raw\":\"{broken s3cr3t-value\",\"reason\":\""
        + reason
        + "\",\"message\":\"malformed\",\"origin\":\"f:1\",\"source_guess\":"
        + (sourceGuess == null ? "null" : "\"" + sourceGuess + "\"")
        + ",\"received_at\":\""
        + receivedAt
        + "\"}";
  }

  /**
   * A run of November 2026 with a few alerts, events and dead letters, and some outside it; event
   * e2 and alert c3 were delivered twice, as two audit devices or a retried shipment deliver them.
   */
  static Path run(Path directory) throws IOException {
    Files.createDirectories(directory);
    write(
        directory.resolve("alerts.jsonl"),
        List.of(
            alert(
                "b2",
                "2026-11-20T10:00:00Z",
                "critical",
                "policy_change",
                "\"attack.t1098\",\"compliance.soc2.cc6.3\",\"compliance.pci-dss.10.2.1.6\""),
            alert(
                "a1",
                "2026-11-20T10:00:00Z",
                "high",
                "denied_access_spike",
                "\"compliance.soc2.cc7.2\",\"compliance.iso27001.a.8.16\""),
            alert("c3", "2026-11-21T08:00:00.500Z", "low", "custom_rule", "\"attack.t1078\""),
            alert("c3", "2026-11-21T08:00:00.500Z", "low", "custom_rule", "\"attack.t1078\""),
            alert(
                "z9",
                "2026-10-31T23:59:59.999Z",
                "high",
                "denied_access_spike",
                "\"compliance.soc2.cc7.2\"")));
    write(
        directory.resolve("events.jsonl"),
        List.of(
            event("e1", "2026-11-01T00:00:00Z", "VAULT", "SECRET_ACCESS", false),
            event("e2", "2026-11-01T12:00:00Z", "VAULT", "SECRET_ACCESS", true),
            event("e2", "2026-11-01T12:00:00Z", "VAULT", "SECRET_ACCESS", true),
            event("e3", "2026-11-03T12:00:00Z", "AWS_CLOUDTRAIL", "AUDIT_CONFIG", false),
            event("e4", "2026-11-30T23:59:59.999Z", "AWS_CLOUDTRAIL", "POLICY_CHANGE", false),
            event("e5", "2026-12-01T00:00:00Z", "VAULT", "SECRET_ACCESS", false)));
    write(
        directory.resolve("deadletters.jsonl"),
        List.of(
            deadLetter("MALFORMED_JSON", null, "2026-11-20T10:00:00.250Z"),
            deadLetter("INVALID_TIME", "GCP_AUDIT", "2026-11-20T10:00:01Z"),
            deadLetter("MALFORMED_JSON", null, "2026-11-21T10:00:00Z"),
            deadLetter("MALFORMED_JSON", null, "2026-12-02T10:00:00Z")));
    return directory;
  }

  static void write(Path file, List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }
}
