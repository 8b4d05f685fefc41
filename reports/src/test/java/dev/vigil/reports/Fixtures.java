package dev.vigil.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.spi.SourceRecord;
import dev.vigil.ingest.vault.VaultParser;
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
   *       and one KMIP request at June's last millisecond whose response came in July, so it counts
   *       in July, by its response, and not in June;
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
            "2025-06-30T23:59:59.999Z",
            "VAULT",
            "KEY_MANAGEMENT",
            "UNKNOWN",
            "root-entity",
            "root",
            "ROOT",
            true,
            "root"));
    events.add(
        privilegedEvent(
            "k1:kmip-response",
            "2025-07-01T00:00:00.003Z",
            "VAULT",
            "KEY_MANAGEMENT",
            "SUCCESS",
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

  /**
   * A Vault audit entry of the shared corpus ({@code
   * vault/datadog_integrations-core_vault_tests_sample_sys-policies-acl-write.json}): the root
   * token writing the ACL policy {@code admin}, the request entry alone, as the corpus has it.
   */
  private static final String CORPUS_ROOT_POLICY_WRITE =
      """
      {"request":{"client_token":"hmac-sha256:6291b17ab99eb5bf3fd44a41d3a0bf0213976f26c72d12676b33408459a89885",      "path":"sys/policies/acl/admin",      "data":{"policy":"hmac-sha256:212744709e5a643a5ff4125160c26983f8dab537f60d166c2fac5b95547abc33"},      "namespace":{"id":"root"},"id":"9adb5544-637f-3d42-9459-3684f5d21996",      "remote_address":"127.0.0.1",      "client_token_accessor":"hmac-sha256:2630a7b8e996b0c451db4924f32cec8793d0eb69609f777d89a5c8188a742f52",      "operation":"update"},      "auth":{"token_policies":["root"],      "client_token":"hmac-sha256:6291b17ab99eb5bf3fd44a41d3a0bf0213976f26c72d12676b33408459a89885",      "accessor":"hmac-sha256:2630a7b8e996b0c451db4924f32cec8793d0eb69609f777d89a5c8188a742f52",      "policies":["root"],"display_name":"root","token_type":"service"},      "time":"2019-11-05T00:40:27.638711Z","type":"request"}""";

  /** The actor ingest makes of {@link #CORPUS_ROOT_POLICY_WRITE}'s root token: its accessor. */
  static final String CORPUS_ROOT_ACCESSOR =
      "hmac-sha256:2630a7b8e996b0c451db4924f32cec8793d0eb69609f777d89a5c8188a742f52";

  /**
   * The event ingest makes of the corpus entry as an entry of {@code type} ({@code request} or
   * {@code response}) of the request {@code requestId} at {@code time}: the real {@code
   * VaultParser}, so the ids, actor and outcome are those of a run.
   */
  static String corpusVaultEntry(String requestId, String type, String time) {
    try {
      ObjectNode record = (ObjectNode) new ObjectMapper().readTree(CORPUS_ROOT_POLICY_WRITE);
      ((ObjectNode) record.get("request")).put("id", requestId);
      record.put("type", type);
      record.put("time", time);
      if (type.equals("response")) {
        record.putObject("response").put("mount_type", "system");
      }
      String raw = record.toString();
      return EventJson.toJson(new VaultParser().parse(SourceRecord.of(record, raw, "fixture:1")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The corpus entry's own request, whose response entry the corpus does not have. */
  static final String UNANSWERED = "9adb5544-637f-3d42-9459-3684f5d21996";

  /** A request answered within November. */
  static final String ANSWERED = "1b6e0c8a-2f4d-4e7b-9a31-5c8d7e6f0a12";

  /** A request at November's last millisecond whose response came on December 1st. */
  static final String ANSWERED_IN_DECEMBER = "7d2f9e41-8c3b-4a6e-b0d5-3e9f1a2c4b78";

  /** A request at October's last millisecond whose response came on November 1st. */
  static final String ASKED_IN_OCTOBER = "c4a8b2e6-1d7f-4c9a-8e3b-6f0d2a5c9e14";

  /**
   * A run of the root token's policy writes around November 2019, made by ingest from the corpus
   * entry: {@link #UNANSWERED}'s request entry alone (the node died, the response was dropped), and
   * three requests with both entries, two of them across a month's end. The response of {@link
   * #ANSWERED_IN_DECEMBER} comes first in the file, as part files of parallel writers can have it.
   */
  static Path vaultRequestsRun(Path directory) throws IOException {
    Files.createDirectories(directory);
    write(directory.resolve("alerts.jsonl"), List.of());
    write(directory.resolve("deadletters.jsonl"), List.of());
    write(
        directory.resolve("events.jsonl"),
        List.of(
            corpusVaultEntry(ANSWERED_IN_DECEMBER, "response", "2019-12-01T00:00:00.002Z"),
            corpusVaultEntry(ASKED_IN_OCTOBER, "request", "2019-10-31T23:59:59.998Z"),
            corpusVaultEntry(ASKED_IN_OCTOBER, "response", "2019-11-01T00:00:00.002Z"),
            corpusVaultEntry(UNANSWERED, "request", "2019-11-05T00:40:27.638711Z"),
            corpusVaultEntry(ANSWERED, "request", "2019-11-12T09:00:00Z"),
            corpusVaultEntry(ANSWERED, "response", "2019-11-12T09:00:00.004Z"),
            corpusVaultEntry(ANSWERED_IN_DECEMBER, "request", "2019-11-30T23:59:59.999Z")));
    return directory;
  }

  static void write(Path file, List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }
}
