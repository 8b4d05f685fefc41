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

  /** A dead letter read from {@code f}, at a line of its own for each time it was received. */
  static String deadLetter(String reason, String sourceGuess, String receivedAt) {
    return deadLetter(reason, sourceGuess, receivedAt, "f:" + receivedAt);
  }

  static String deadLetter(String reason, String sourceGuess, String receivedAt, String origin) {
    return "{\"raw\":\"{broken s3cr3t-value\",\"reason\":\""
        + reason
        + "\",\"message\":\"malformed\",\"origin\":\""
        + origin
        + "\",\"source_guess\":"
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

  /** An event with the fields the privileged activity section reads; null fields are left out. */
  static String privilegedEvent(
      String id,
      String time,
      String source,
      String category,
      String outcome,
      String actorId,
      String actorName,
      String actorType,
      boolean root,
      String account) {
    StringBuilder actor = new StringBuilder("{\"root\":").append(root);
    appendField(actor, "id", actorId);
    appendField(actor, "name", actorName);
    appendField(actor, "type", actorType);
    StringBuilder target = new StringBuilder("{\"resource\":\"r\"");
    appendField(target, "account", account);
    return "{\"event_id\":\""
        + id
        + "\",\"time\":\""
        + time
        + "\",\"source\":\""
        + source
        + "\",\"category\":\""
        + category
        + "\",\"outcome\":\""
        + outcome
        + "\",\"denied\":false,\"actor\":"
        + actor
        + "},\"target\":"
        + target
        + "},\"raw\":\"{\\\"secret\\\":\\\"s3cr3t-value\\\"}\"}";
  }

  private static void appendField(StringBuilder json, String name, String value) {
    if (value != null) {
      json.append(",\"").append(name).append("\":\"").append(value).append('"');
    }
  }

  /** The number of service accounts in {@link #privilegedRun} that changed one policy each. */
  static final int ONE_CHANGE_ACTORS = 52;

  /**
   * A run of June 2025 whose privileged actors are known (PrivilegedActivityTest counts them), with
   * no alerts and no dead letters:
   *
   * <ul>
   *   <li>the Vault root token: one request writing a policy (its request and response entries),
   *       and one KMIP request entry, which is left out;
   *   <li>the AWS root user of account 111122223333: a sign-in, then an access key created,
   *       delivered twice;
   *   <li>carol@example.com in Azure: a role assignment that succeeded and one that failed;
   *   <li>a GCP caller with an id and no name: two audit sink deletions, one in July;
   *   <li>bob in AWS: a trail stopped, under an id that ends like a Vault request entry;
   *   <li>alice's secret read, which is not privileged;
   *   <li>{@link #ONE_CHANGE_ACTORS} service accounts svc-00… in GCP, one policy change each.
   * </ul>
   */
  static Path privilegedRun(Path directory) throws IOException {
    Files.createDirectories(directory);
    write(directory.resolve("alerts.jsonl"), List.of());
    write(directory.resolve("deadletters.jsonl"), List.of());
    List<String> events = new java.util.ArrayList<>();
    events.add(
        privilegedEvent(
            "v1:request",
            "2025-06-02T10:00:00Z",
            "VAULT",
            "POLICY_CHANGE",
            "UNKNOWN",
            "root-entity",
            "root",
            "ROOT",
            true,
            "root"));
    events.add(
        privilegedEvent(
            "v1:response",
            "2025-06-02T10:00:00.004Z",
            "VAULT",
            "POLICY_CHANGE",
            "SUCCESS",
            "root-entity",
            "root",
            "ROOT",
            true,
            "root"));
    events.add(
        privilegedEvent(
            "k1:kmip-request",
            "2025-06-02T11:00:00Z",
            "VAULT",
            "KEY_MANAGEMENT",
            "UNKNOWN",
            "root-entity",
            "root",
            "ROOT",
            true,
            "root"));
    String awsRoot = "arn:aws:iam::111122223333:root";
    events.add(
        privilegedEvent(
            "a1",
            "2025-06-03T09:00:00Z",
            "AWS_CLOUDTRAIL",
            "AUTHENTICATION",
            "SUCCESS",
            awsRoot,
            "root",
            "ROOT",
            true,
            "111122223333"));
    String accessKey =
        privilegedEvent(
            "a2",
            "2025-06-03T09:05:30.700Z",
            "AWS_CLOUDTRAIL",
            "IDENTITY_MANAGEMENT",
            "SUCCESS",
            awsRoot,
            "root",
            "ROOT",
            true,
            "111122223333");
    events.add(accessKey);
    events.add(accessKey);
    events.add(
        privilegedEvent(
            "z1",
            "2025-06-10T08:00:00Z",
            "AZURE_MONITOR",
            "POLICY_CHANGE",
            "SUCCESS",
            "oid-carol",
            "carol@example.com",
            "USER",
            false,
            "sub-1"));
    events.add(
        privilegedEvent(
            "z2",
            "2025-06-10T08:01:00Z",
            "AZURE_MONITOR",
            "POLICY_CHANGE",
            "FAILURE",
            "oid-carol",
            "carol@example.com",
            "USER",
            false,
            "sub-1"));
    events.add(
        privilegedEvent(
            "g1",
            "2025-06-20T12:00:00Z",
            "GCP_AUDIT",
            "AUDIT_CONFIG",
            "SUCCESS",
            "principal://iam.googleapis.com/pool/x",
            null,
            "SERVICE",
            false,
            "acme-prod"));
    events.add(
        privilegedEvent(
            "g2",
            "2025-06-29T23:59:59Z",
            "GCP_AUDIT",
            "AUDIT_CONFIG",
            "SUCCESS",
            "principal://iam.googleapis.com/pool/x",
            null,
            "SERVICE",
            false,
            "acme-prod"));
    events.add(
        privilegedEvent(
            "g3",
            "2025-07-01T00:00:00Z",
            "GCP_AUDIT",
            "AUDIT_CONFIG",
            "SUCCESS",
            "principal://iam.googleapis.com/pool/x",
            null,
            "SERVICE",
            false,
            "acme-prod"));
    events.add(
        privilegedEvent(
            "t1:request",
            "2025-06-15T07:00:00Z",
            "AWS_CLOUDTRAIL",
            "AUDIT_CONFIG",
            "SUCCESS",
            "arn:aws:iam::111122223333:user/bob",
            "bob",
            "USER",
            false,
            "111122223333"));
    events.add(
        privilegedEvent(
            "s1",
            "2025-06-15T07:30:00Z",
            "AWS_CLOUDTRAIL",
            "SECRET_ACCESS",
            "SUCCESS",
            "arn:aws:iam::111122223333:user/alice",
            "alice",
            "USER",
            false,
            "111122223333"));
    for (int i = 0; i < ONE_CHANGE_ACTORS; i++) {
      String name = String.format("svc-%02d@acme-prod.iam.gserviceaccount.com", i);
      events.add(
          privilegedEvent(
              "p" + i,
              "2025-06-25T10:00:0" + (i % 10) + "Z",
              "GCP_AUDIT",
              "POLICY_CHANGE",
              "SUCCESS",
              name,
              name,
              "SERVICE",
              false,
              "acme-prod"));
    }
    write(directory.resolve("events.jsonl"), events);
    return directory;
  }

  static void write(Path file, List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }
}
