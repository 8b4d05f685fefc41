package dev.vigil.benchmarks.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Writes a large mixed input of raw audit records of all four sources, in their real shapes (those
 * of {@code samples/}, see {@code tools/generate-samples.py}), for the detection job benchmark.
 *
 * <p>Design: an event-time clock advances by random gaps at {@link Config#recordsPerSecond} raw
 * records per second of event time. At each step one piece of ordinary traffic is written (a Vault
 * request and its response, a small CloudTrail {@code {"Records":[...]}} delivery, an Azure Key
 * Vault or Administrative record, a GCP audit entry), by one of thousands of identities, each with
 * its own few secrets; a small share of it is refused, a smaller one is an administrator's
 * permission change (which the pack reports as a policy change). Every {@link Config#incidentEvery}
 * records an incident is planted, cycling through the five detections of the built-in pack
 * (DESIGN.md, "Detections") and their shapes on the sources where the pack catches them:
 * denied-access spikes and mass secret reads on all four sources; root use and root credentials
 * created on Vault and AWS; audit logging switched off on all four; break-glass sessions that read
 * secrets (use and escalation) and a break-glass role assumed. Its records are scheduled over the
 * following minutes and merge with the traffic. Each record gets an arrival jitter of up to {@link
 * Config#maxDisorder}, and records are written in arrival order, so event time is mildly out of
 * order (within the job's bound, so none is late). Lines go round-robin to {@code files} JSON-lines
 * files, one per source subtask, each in arrival order (as two partitions of a topic would be).
 *
 * <p>Deterministic by seed: the same config gives the same bytes, in any JVM. Identities and
 * secrets are made up; every "secret" value is a fake HMAC, as Vault writes them.
 */
public final class MixedAuditGenerator {

  /**
   * @param records raw records (lines) to write; a CloudTrail delivery is one record
   * @param seed the random seed
   * @param start event time of the first record
   * @param recordsPerSecond raw records per second of event time
   * @param maxDisorder the largest delay between a record's event time and its place in the output
   * @param identities ordinary identities per source
   * @param incidentEvery one planted incident per this many records
   */
  public record Config(
      long records,
      long seed,
      Instant start,
      double recordsPerSecond,
      Duration maxDisorder,
      int identities,
      int incidentEvery) {

    public static Config of(long records) {
      return new Config(
          records,
          20261120L,
          Instant.parse("2026-11-20T00:00:00Z"),
          400,
          Duration.ofSeconds(5),
          2000,
          20_000);
    }

    public Config withSeed(long value) {
      return new Config(
          records, value, start, recordsPerSecond, maxDisorder, identities, incidentEvery);
    }

    public Config withIncidentEvery(int value) {
      return new Config(records, seed, start, recordsPerSecond, maxDisorder, identities, value);
    }

    public Config withIdentities(int value) {
      return new Config(records, seed, start, recordsPerSecond, maxDisorder, value, incidentEvery);
    }
  }

  /**
   * One planted incident: the detection it must raise, the source and identity behind it, and the
   * event-time span of its records.
   */
  public record Incident(
      String detection, String source, String identity, Instant from, Instant to) {}

  /** What was written. */
  public record Generated(List<Path> files, long records, long bytes, List<Incident> incidents) {}

  // Keys sorted: Map.of iterates in an order salted per JVM, and the bytes must not depend on it.
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter AZURE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final double DENIED_SHARE = 0.004;
  private static final double PERMISSION_CHANGE_SHARE = 0.002;
  // The most records one incident plants (a mass read by Vault: 64 requests, two entries each).
  private static final long INCIDENT_HEADROOM = 130;
  private static final String ACCOUNT = "111122223333";
  private static final String SUBSCRIPTION = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
  private static final String TENANT = "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9";
  private static final String PROJECT = "acme-prod-4411";
  private static final String KEY_VAULT =
      "/SUBSCRIPTIONS/6F1C2D3E-4A5B-4C6D-8E7F-9A0B1C2D3E4F/RESOURCEGROUPS/PROD/PROVIDERS/"
          + "MICROSOFT.KEYVAULT/VAULTS/PROD-KV";
  private static final String SECRET_MANAGER = "secretmanager.googleapis.com";
  private static final String ACCESS_SECRET =
      "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion";
  private static final String[] INCIDENTS = {
    "denied_access_spike", "root_token_use", "mass_secret_reads", "policy_change", "break_glass_use"
  };

  private final Config config;
  private final SplittableRandom random;
  private final PriorityQueue<Scheduled> pending =
      new PriorityQueue<>(
          Comparator.comparingLong(Scheduled::arrival).thenComparingLong(Scheduled::sequence));
  private final List<Incident> incidents = new ArrayList<>();
  private long clock;
  private long sequence;
  private long planned;
  private int incidentNumber;

  private record Scheduled(long arrival, long sequence, String line) {}

  private MixedAuditGenerator(Config config) {
    this.config = config;
    this.random = new SplittableRandom(config.seed());
    this.clock = config.start().toEpochMilli();
  }

  /** Writes {@code config.records()} records into {@code files} new files under {@code dir}. */
  public static Generated write(Config config, Path dir, int files) throws IOException {
    return new MixedAuditGenerator(config).writeAll(dir, files);
  }

  private Generated writeAll(Path dir, int fileCount) throws IOException {
    Files.createDirectories(dir);
    List<Path> paths = new ArrayList<>();
    List<BufferedWriter> writers = new ArrayList<>();
    long written = 0;
    long bytes = 0;
    try {
      for (int i = 0; i < fileCount; i++) {
        Path path = dir.resolve(String.format("mixed-%02d.jsonl", i));
        paths.add(path);
        writers.add(Files.newBufferedWriter(path, StandardCharsets.UTF_8));
      }
      double meanGapMs = 1000.0 / config.recordsPerSecond();
      while (planned < config.records()) {
        boolean incidentDue =
            planned >= (long) incidentNumber * config.incidentEvery() + config.incidentEvery() / 2;
        if (incidentDue && config.records() - planned > INCIDENT_HEADROOM) {
          plantIncident();
        } else {
          ordinaryTraffic();
        }
        clock += Math.round(-Math.log(1 - random.nextDouble()) * meanGapMs);
        while (!pending.isEmpty() && pending.peek().arrival() <= clock) {
          bytes += write(writers, written++, pending.poll().line());
        }
      }
      while (!pending.isEmpty()) {
        bytes += write(writers, written++, pending.poll().line());
      }
    } finally {
      for (BufferedWriter writer : writers) {
        writer.close();
      }
    }
    return new Generated(paths, written, bytes, List.copyOf(incidents));
  }

  private static long write(List<BufferedWriter> writers, long index, String line)
      throws IOException {
    BufferedWriter writer = writers.get((int) (index % writers.size()));
    writer.write(line);
    writer.write('\n');
    return line.length() + 1;
  }

  /** Schedules one raw record with its event time. */
  private void emit(long eventTime, Map<String, Object> record) {
    long jitter = random.nextLong(config.maxDisorder().toMillis() + 1);
    pending.add(new Scheduled(eventTime + jitter, sequence++, json(record)));
    planned++;
  }

  // ------------------------------------------------------------------ ordinary traffic

  private void ordinaryTraffic() {
    double pick = random.nextDouble();
    boolean denied = random.nextDouble() < DENIED_SHARE;
    int who = random.nextInt(config.identities());
    if (random.nextDouble() < PERMISSION_CHANGE_SHARE) {
      permissionChange(who);
      return;
    }
    if (pick < 0.40) {
      VaultIdentity identity = VaultIdentity.app(who);
      double op = random.nextDouble();
      if (op < 0.75) {
        vaultPair(identity, clock, "read", identity.secret(random.nextInt(5)), "kv", denied, true);
      } else if (op < 0.90) {
        vaultPair(identity, clock, "update", "auth/token/renew-self", "token", denied, false);
      } else {
        vaultPair(
            identity,
            clock,
            "list",
            "secret/metadata/" + identity.team() + "/",
            "kv",
            denied,
            true);
      }
    } else if (pick < 0.65) {
      List<Map<String, Object>> delivery = new ArrayList<>();
      int events = 1 + random.nextInt(4);
      for (int i = 0; i < events; i++) {
        int actor = i == 0 ? who : random.nextInt(config.identities());
        long time = clock - random.nextLong(2000);
        double op = random.nextDouble();
        boolean refused = i == 0 && denied;
        if (op < 0.45) {
          delivery.add(
              trail(
                  time,
                  "DescribeInstances",
                  "ec2.amazonaws.com",
                  iamUser(actor),
                  Map.of("maxResults", 100),
                  null,
                  refused,
                  true));
        } else if (op < 0.80) {
          delivery.add(
              trail(
                  time,
                  "GetSecretValue",
                  "secretsmanager.amazonaws.com",
                  roleSession("task-" + actor, "ecs-" + actor, null),
                  Map.of("secretId", "prod/task-" + actor + "/" + random.nextInt(4)),
                  null,
                  refused,
                  true));
        } else {
          delivery.add(
              trail(
                  time,
                  "ListBuckets",
                  "s3.amazonaws.com",
                  iamUser(actor),
                  null,
                  null,
                  refused,
                  true));
        }
      }
      emit(clock, Map.of("Records", delivery));
    } else if (pick < 0.83) {
      if (random.nextDouble() < 0.85) {
        keyVault(
            clock,
            "SecretGet",
            "app-" + who + "-secret-" + random.nextInt(4),
            denied ? 403 : 200,
            servicePrincipal(who));
      } else {
        emit(
            clock,
            azureAdministrative(
                clock,
                "Microsoft.Compute/virtualMachines/write",
                "/subscriptions/"
                    + SUBSCRIPTION
                    + "/resourceGroups/prod/providers/"
                    + "Microsoft.Compute/virtualMachines/vm-"
                    + random.nextInt(500),
                servicePrincipal(who),
                denied));
      }
    } else {
      String principal = "job-" + who + "@" + PROJECT + ".iam.gserviceaccount.com";
      if (random.nextDouble() < 0.8) {
        gcpSecretAccess(
            clock,
            principal,
            "projects/"
                + PROJECT
                + "/secrets/job-"
                + who
                + "-"
                + random.nextInt(4)
                + "/versions/latest",
            denied);
      } else {
        emit(
            clock,
            gcp(
                clock,
                "v1.compute.instances.list",
                "compute.googleapis.com",
                principal,
                "projects/" + PROJECT + "/zones/europe-west1-b/instances",
                "data_access",
                denied,
                "compute.instances.list",
                null));
      }
    }
  }

  /**
   * An administrator's permission change, one of four kinds across the sources: a Vault ACL policy
   * written, an IAM policy attached, an Azure role assignment, a GCP IAM policy set. Not planted
   * incidents, but every successful change is a policy_change alert of the complete pack (and a
   * privileged action for the break-glass escalation), in both jobs.
   */
  private void permissionChange(int who) {
    String suffix = Integer.toString(who);
    switch (random.nextInt(4)) {
      case 0 ->
          vaultPair(
              VaultIdentity.admin(),
              clock,
              "update",
              "sys/policies/acl/team-" + suffix,
              "system",
              false,
              false);
      case 1 ->
          emit(
              clock,
              Map.of(
                  "Records",
                  List.of(
                      trail(
                          clock,
                          "AttachRolePolicy",
                          "iam.amazonaws.com",
                          iamUser(who),
                          Map.of(
                              "roleName",
                              "task-" + suffix,
                              "policyArn",
                              "arn:aws:iam::aws:policy/ReadOnlyAccess"),
                          null,
                          false,
                          false))));
      case 2 ->
          emit(
              clock,
              azureAdministrative(
                  clock,
                  "Microsoft.Authorization/roleAssignments/write",
                  "/subscriptions/"
                      + SUBSCRIPTION
                      + "/providers/Microsoft.Authorization/roleAssignments/"
                      + uuid(),
                  servicePrincipal(who),
                  false));
      default ->
          emit(
              clock,
              gcp(
                  clock,
                  "SetIamPolicy",
                  "cloudresourcemanager.googleapis.com",
                  "admin-" + suffix + "@example.com",
                  "projects/" + PROJECT,
                  "activity",
                  false,
                  "resourcemanager.projects.setIamPolicy",
                  null));
    }
  }

  // ------------------------------------------------------------------ planted incidents

  private void plantIncident() {
    String detection = INCIDENTS[incidentNumber % INCIDENTS.length];
    int variant = incidentNumber / INCIDENTS.length;
    incidentNumber++;
    String suffix = Integer.toString(incidentNumber);
    long from = clock;
    long to;
    String source;
    String identity;
    switch (detection) {
      case "denied_access_spike" -> {
        int count = 12 + random.nextInt(4);
        long every = 8_000 + random.nextLong(8_000);
        to = from + (count - 1) * every;
        switch (variant % 4) {
          case 0 -> {
            VaultIdentity attacker = VaultIdentity.attacker(suffix);
            source = "VAULT";
            identity = attacker.entityId();
            for (int i = 0; i < count; i++) {
              vaultPair(
                  attacker,
                  from + i * every,
                  "read",
                  "secret/data/prod/probe-" + (i % 7),
                  "kv",
                  true,
                  false);
            }
          }
          case 1 -> {
            source = "AWS_CLOUDTRAIL";
            Map<String, Object> user = iamUser(1_000_000 + incidentNumber);
            identity = (String) user.get("arn");
            emitSecretReads(user, "prod/db-", true, from, every, count);
          }
          case 2 -> {
            source = "AZURE_MONITOR";
            Map<String, Object> principal = servicePrincipal(1_000_000 + incidentNumber);
            identity = (String) principal.get("oid");
            for (int i = 0; i < count; i++) {
              keyVault(from + i * every, "SecretGet", "prod-secret-" + (i % 5), 403, principal);
            }
          }
          default -> {
            source = "GCP_AUDIT";
            identity = "scraper-" + suffix + "@" + PROJECT + ".iam.gserviceaccount.com";
            for (int i = 0; i < count; i++) {
              gcpSecretAccess(
                  from + i * every,
                  identity,
                  "projects/" + PROJECT + "/secrets/prod-db-" + (i % 4) + "/versions/latest",
                  true);
            }
          }
        }
      }
      case "mass_secret_reads" -> {
        int count = 55 + random.nextInt(10);
        long every = 4_000 + random.nextLong(4_000);
        to = from + (count - 1) * every;
        switch (variant % 4) {
          case 0 -> {
            VaultIdentity thief = VaultIdentity.attacker(suffix);
            source = "VAULT";
            identity = thief.entityId();
            for (int i = 0; i < count; i++) {
              vaultPair(
                  thief,
                  from + i * every,
                  "read",
                  "secret/data/apps/svc-" + i + "/config",
                  "kv",
                  false,
                  true);
            }
          }
          case 1 -> {
            source = "AWS_CLOUDTRAIL";
            Map<String, Object> session = roleSession("harvest-" + suffix, "s-" + suffix, null);
            identity = (String) session.get("arn");
            emitSecretReads(session, "prod/app-", false, from, every, count);
          }
          case 2 -> {
            source = "AZURE_MONITOR";
            Map<String, Object> principal = servicePrincipal(2_000_000 + incidentNumber);
            identity = (String) principal.get("oid");
            for (int i = 0; i < count; i++) {
              keyVault(from + i * every, "SecretGet", "app-secret-" + i, 200, principal);
            }
          }
          default -> {
            source = "GCP_AUDIT";
            identity = "harvest-" + suffix + "@" + PROJECT + ".iam.gserviceaccount.com";
            for (int i = 0; i < count; i++) {
              gcpSecretAccess(
                  from + i * every,
                  identity,
                  "projects/" + PROJECT + "/secrets/app-" + i + "/versions/latest",
                  false);
            }
          }
        }
      }
      case "root_token_use" -> {
        // Root use, and the creation of root credentials (rules/any/root_token_use.yml).
        to = from;
        switch (variant % 4) {
          case 0 -> {
            source = "VAULT";
            identity = "root";
            vaultPair(
                VaultIdentity.root(),
                from,
                "update",
                "sys/mounts/kv-" + suffix,
                "system",
                false,
                false);
          }
          case 1 -> {
            source = "AWS_CLOUDTRAIL";
            identity = (String) awsRoot().get("arn");
            emit(
                from,
                trail(
                    from,
                    "ConsoleLogin",
                    "signin.amazonaws.com",
                    awsRoot(),
                    null,
                    Map.of("ConsoleLogin", "Success"),
                    false,
                    false));
          }
          case 2 -> {
            // An administrator starts a root token generation.
            source = "VAULT";
            identity = VaultIdentity.admin().entityId();
            vaultPair(
                VaultIdentity.admin(),
                from,
                "update",
                "sys/generate-root/attempt",
                "system",
                false,
                false);
          }
          default -> {
            // The root user creates an access key for itself (no userName).
            source = "AWS_CLOUDTRAIL";
            identity = (String) awsRoot().get("arn");
            emit(
                from,
                Map.of(
                    "Records",
                    List.of(
                        trail(
                            from,
                            "CreateAccessKey",
                            "iam.amazonaws.com",
                            awsRoot(),
                            null,
                            Map.of(
                                "accessKey",
                                Map.of(
                                    "accessKeyId",
                                    "AKIA" + hex64(incidentNumber),
                                    "status",
                                    "Active")),
                            false,
                            false))));
          }
        }
      }
      case "policy_change" -> {
        // Audit trails switched off, one source after the other (the critical policy_change rules).
        to = from;
        switch (variant % 4) {
          case 0 -> {
            source = "VAULT";
            identity = VaultIdentity.admin().entityId();
            vaultPair(
                VaultIdentity.admin(),
                from,
                "delete",
                "sys/audit/" + (variant % 8 == 0 ? "file-" : "socket-") + suffix,
                "system",
                false,
                false);
          }
          case 1 -> {
            source = "AWS_CLOUDTRAIL";
            Map<String, Object> user = iamUser(3_000_000 + incidentNumber);
            identity = (String) user.get("arn");
            emit(
                from,
                Map.of(
                    "Records",
                    List.of(
                        trail(
                            from,
                            "StopLogging",
                            "cloudtrail.amazonaws.com",
                            user,
                            Map.of(
                                "name",
                                "arn:aws:cloudtrail:eu-west-1:" + ACCOUNT + ":trail/org-" + suffix),
                            null,
                            false,
                            false))));
          }
          case 2 -> {
            source = "AZURE_MONITOR";
            Map<String, Object> principal = servicePrincipal(3_000_000 + incidentNumber);
            identity = (String) principal.get("oid");
            emit(
                from,
                azureAdministrative(
                    from,
                    "Microsoft.Insights/diagnosticSettings/delete",
                    KEY_VAULT
                        + "/providers/microsoft.insights/diagnosticSettings/to-siem-"
                        + suffix,
                    principal,
                    false));
          }
          default -> {
            source = "GCP_AUDIT";
            identity = "admin-" + suffix + "@example.com";
            emit(
                from,
                gcp(
                    from,
                    "google.logging.v2.ConfigServiceV2.DeleteSink",
                    "logging.googleapis.com",
                    identity,
                    "projects/" + PROJECT + "/sinks/to-siem-" + suffix,
                    "activity",
                    false,
                    "logging.sinks.delete",
                    null));
          }
        }
      }
      default -> {
        // break_glass_use: a break-glass identity reads secrets (use, then escalation), or a
        // break-glass role is assumed and nothing more (use only).
        int count = 3 + random.nextInt(3);
        long every = 20_000;
        to = from + (count - 1) * every;
        switch (variant % 3) {
          case 0 -> {
            source = "AWS_CLOUDTRAIL";
            Map<String, Object> session =
                roleSession("break-glass-admin", "incident-" + suffix, "true");
            identity = (String) session.get("arn");
            emitSecretReads(session, "prod/db-", false, from, every, count);
          }
          case 1 -> {
            source = "VAULT";
            VaultIdentity emergency = VaultIdentity.emergency(suffix);
            identity = emergency.entityId();
            for (int i = 0; i < count; i++) {
              vaultPair(
                  emergency,
                  from + i * every,
                  "read",
                  "secret/data/prod/db-" + i,
                  "kv",
                  false,
                  true);
            }
          }
          default -> {
            to = from;
            source = "AWS_CLOUDTRAIL";
            Map<String, Object> user = iamUser(4_000_000 + incidentNumber);
            identity = (String) user.get("arn");
            emit(
                from,
                trail(
                    from,
                    "AssumeRole",
                    "sts.amazonaws.com",
                    user,
                    Map.of(
                        "roleArn",
                        "arn:aws:iam::" + ACCOUNT + ":role/break-glass-admin",
                        "roleSessionName",
                        "incident-" + suffix),
                    null,
                    false,
                    true));
          }
        }
      }
    }
    incidents.add(
        new Incident(
            detection, source, identity, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)));
  }

  // ------------------------------------------------------------------ Vault

  /** A Vault identity: its token, accessor, policies and where it calls from. */
  private record VaultIdentity(
      String displayName,
      String entityId,
      List<String> policies,
      Map<String, Object> metadata,
      String ip,
      String token,
      String accessor) {

    static VaultIdentity app(int i) {
      return new VaultIdentity(
          "approle",
          stableUuid("vault-app", i),
          List.of("default", "svc-" + i + "-read"),
          Map.of("role_name", "svc-" + i),
          "10.20." + (i / 250) % 250 + "." + (i % 250 + 1),
          fakeHmac("token", i),
          fakeHmac("accessor", i));
    }

    static VaultIdentity attacker(String suffix) {
      int n = Integer.parseInt(suffix);
      return new VaultIdentity(
          "token-ci-runner-" + suffix,
          stableUuid("vault-ci", n),
          List.of("default", "ci-deploy"),
          null,
          "203.0.113." + (n % 250 + 1),
          fakeHmac("ci-token", n),
          fakeHmac("ci-accessor", n));
    }

    static VaultIdentity root() {
      return new VaultIdentity(
          "root",
          "",
          List.of("root"),
          null,
          "10.20.0.5",
          fakeHmac("root-token", 0),
          fakeHmac("root-accessor", 0));
    }

    static VaultIdentity admin() {
      return new VaultIdentity(
          "oidc-alice@example.com",
          stableUuid("vault-admin", 0),
          List.of("default", "vault-admin"),
          Map.of("email", "alice@example.com"),
          "198.51.100.23",
          fakeHmac("admin-token", 0),
          fakeHmac("admin-accessor", 0));
    }

    static VaultIdentity emergency(String suffix) {
      int n = Integer.parseInt(suffix);
      return new VaultIdentity(
          "oidc-oncall-" + suffix + "@example.com",
          stableUuid("vault-oncall", n),
          List.of("default", "emergency-access"),
          Map.of("email", "oncall-" + suffix + "@example.com"),
          "198.51.100." + (n % 250 + 1),
          fakeHmac("oncall-token", n),
          fakeHmac("oncall-accessor", n));
    }

    String team() {
      return "team-" + (entityId.hashCode() & 63);
    }

    String secret(int k) {
      return "secret/data/" + team() + "/" + metadataRole() + "/" + k;
    }

    private String metadataRole() {
      return metadata == null ? displayName : String.valueOf(metadata.values().iterator().next());
    }
  }

  private void vaultPair(
      VaultIdentity who,
      long time,
      String operation,
      String path,
      String mountType,
      boolean denied,
      boolean withData) {
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("client_token", who.token());
    auth.put("accessor", who.accessor());
    auth.put("display_name", who.displayName());
    auth.put("policies", who.policies());
    auth.put("token_policies", who.policies());
    auth.put("metadata", who.metadata());
    auth.put("entity_id", who.entityId());
    auth.put("token_type", "service");
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", uuid());
    request.put("operation", operation);
    request.put("mount_type", mountType);
    request.put("client_token", who.token());
    request.put("client_token_accessor", who.accessor());
    request.put("namespace", Map.of("id", "root"));
    request.put("path", path);
    request.put("remote_address", who.ip());
    if (operation.equals("create") || operation.equals("update")) {
      request.put("data", Map.of("policy", hmac()));
    }
    long nanos = random.nextLong(1_000_000);
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("time", vaultTime(time, nanos));
    req.put("type", "request");
    req.put("auth", auth);
    req.put("request", request);
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("mount_type", mountType);
    if (!denied && withData) {
      response.put("data", Map.of("data", Map.of("password", hmac(), "username", hmac())));
    }
    Map<String, Object> resp = new LinkedHashMap<>();
    resp.put("time", vaultTime(time + 3, nanos));
    resp.put("type", "response");
    resp.put("auth", auth);
    resp.put("request", request);
    resp.put("response", response);
    if (denied) {
      req.put("error", "permission denied");
      resp.put("error", "1 error occurred:\n\t* permission denied\n\n");
    }
    emit(time, req);
    emit(time + 3, resp);
  }

  private static String vaultTime(long millis, long subMillisNanos) {
    Instant at = Instant.ofEpochMilli(millis).plusNanos(subMillisNanos);
    return DateTimeFormatter.ISO_INSTANT.format(at);
  }

  // ------------------------------------------------------------------ AWS CloudTrail

  /**
   * {@code count} Secrets Manager reads by {@code identity}, {@code every} ms apart from {@code
   * from}, of the secrets {@code secretPrefix + i}.
   */
  private void emitSecretReads(
      Map<String, Object> identity,
      String secretPrefix,
      boolean denied,
      long from,
      long every,
      int count) {
    for (int i = 0; i < count; i++) {
      emit(
          from + i * every,
          trail(
              from + i * every,
              "GetSecretValue",
              "secretsmanager.amazonaws.com",
              identity,
              Map.of("secretId", secretPrefix + i),
              null,
              denied,
              true));
    }
  }

  private Map<String, Object> trail(
      long time,
      String name,
      String eventSource,
      Map<String, Object> identity,
      Map<String, Object> params,
      Map<String, Object> response,
      boolean denied,
      boolean readOnly) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("eventVersion", "1.09");
    rec.put("userIdentity", identity);
    rec.put("eventTime", SECONDS.format(Instant.ofEpochMilli(time)));
    rec.put("eventSource", eventSource);
    rec.put("eventName", name);
    rec.put("awsRegion", "eu-west-1");
    rec.put("sourceIPAddress", "198.51.100." + (random.nextInt(250) + 1));
    rec.put("userAgent", "aws-sdk-java/2.25.0");
    rec.put("requestParameters", params);
    rec.put("responseElements", response);
    rec.put("requestID", uuid());
    rec.put("eventID", uuid());
    rec.put("readOnly", readOnly);
    rec.put("eventType", name.equals("ConsoleLogin") ? "AwsConsoleSignIn" : "AwsApiCall");
    rec.put("managementEvent", true);
    rec.put("recipientAccountId", ACCOUNT);
    rec.put("eventCategory", "Management");
    if (denied) {
      rec.put("errorCode", "AccessDenied");
      rec.put(
          "errorMessage",
          "User: " + identity.get("arn") + " is not authorized to perform: " + name);
    }
    return rec;
  }

  private static Map<String, Object> awsRoot() {
    return Map.of(
        "type",
        "Root",
        "principalId",
        ACCOUNT,
        "arn",
        "arn:aws:iam::" + ACCOUNT + ":root",
        "accountId",
        ACCOUNT,
        "accessKeyId",
        "");
  }

  private static Map<String, Object> iamUser(int i) {
    String name = "user-" + i;
    return Map.of(
        "type",
        "IAMUser",
        "principalId",
        "AIDA" + String.format("%016d", i),
        "arn",
        "arn:aws:iam::" + ACCOUNT + ":user/" + name,
        "accountId",
        ACCOUNT,
        "accessKeyId",
        "AKIA" + String.format("%016d", i),
        "userName",
        name);
  }

  private static Map<String, Object> roleSession(String role, String session, String mfa) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("creationDate", "2026-11-20T00:00:00Z");
    attributes.put("mfaAuthenticated", mfa == null ? "false" : mfa);
    return Map.of(
        "type",
        "AssumedRole",
        "principalId",
        "AROAEXAMPLEROLEID:" + session,
        "arn",
        "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + session,
        "accountId",
        ACCOUNT,
        "accessKeyId",
        "ASIA" + Integer.toHexString(session.hashCode()).toUpperCase(),
        "sessionContext",
        Map.of(
            "sessionIssuer",
            Map.of(
                "type",
                "Role",
                "principalId",
                "AROAEXAMPLEROLEID",
                "arn",
                "arn:aws:iam::" + ACCOUNT + ":role/" + role,
                "accountId",
                ACCOUNT,
                "userName",
                role),
            "attributes",
            attributes));
  }

  // ------------------------------------------------------------------ Azure Monitor

  private static Map<String, Object> servicePrincipal(int i) {
    Map<String, Object> claim = new LinkedHashMap<>();
    claim.put("oid", stableUuid("azure-sp", i));
    claim.put("appid", stableUuid("azure-app", i));
    claim.put("appidacr", "2");
    claim.put("http://schemas.microsoft.com/identity/claims/tenantid", TENANT);
    return claim;
  }

  private void keyVault(
      long time, String operation, String secret, int status, Map<String, Object> claim) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("id", "https://prod-kv.vault.azure.net/secrets/" + secret);
    properties.put("clientInfo", "azsdk-python-keyvault-secrets/4.8.0");
    properties.put("httpStatusCode", status);
    properties.put(
        "requestUri", "https://prod-kv.vault.azure.net/secrets/" + secret + "/?api-version=7.4");
    properties.put("isAccessPolicyMatch", status == 200);
    properties.put("tlsVersion", "TLS1_2");
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("time", AZURE_TIME.format(Instant.ofEpochMilli(time)));
    rec.put("category", "AuditEvent");
    rec.put("operationName", operation);
    rec.put("resultType", "Success");
    rec.put("correlationId", uuid());
    rec.put("callerIpAddress", "20.50." + random.nextInt(250) + "." + (random.nextInt(250) + 1));
    rec.put("identity", Map.of("claim", claim));
    rec.put("properties", properties);
    rec.put("resourceId", KEY_VAULT);
    rec.put("operationVersion", "7.4");
    rec.put("resultSignature", status == 200 ? "OK" : "Forbidden");
    rec.put("durationMs", Integer.toString(5 + random.nextInt(85)));
    rec.put("level", "Informational");
    emit(time, rec);
  }

  private Map<String, Object> azureAdministrative(
      long time, String operation, String resourceId, Map<String, Object> claim, boolean denied) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("http://schemas.microsoft.com/identity/claims/objectidentifier", claim.get("oid"));
    claims.put("appid", claim.get("appid"));
    claims.put("ipaddr", "198.51.100.23");
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("time", AZURE_TIME.format(Instant.ofEpochMilli(time)));
    rec.put("resourceId", resourceId);
    rec.put("operationName", operation);
    rec.put("category", "Administrative");
    rec.put("resultType", denied ? "Failure" : "Success");
    rec.put("resultSignature", denied ? "Forbidden" : "Created");
    rec.put("callerIpAddress", "198.51.100.23");
    rec.put("correlationId", uuid());
    rec.put("level", denied ? "Error" : "Information");
    rec.put("location", "global");
    rec.put("tenantId", TENANT);
    rec.put(
        "identity",
        Map.of(
            "authorization",
            Map.of("action", operation, "scope", "/subscriptions/" + SUBSCRIPTION),
            "claims",
            claims));
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("statusCode", denied ? "Forbidden" : "Created");
    properties.put("serviceRequestId", uuid());
    if (denied) {
      properties.put("statusMessage", "{\"error\":{\"code\":\"AuthorizationFailed\"}}");
    }
    rec.put("properties", properties);
    return rec;
  }

  // ------------------------------------------------------------------ GCP Cloud Audit Logs

  private void gcpSecretAccess(long time, String principal, String resource, boolean denied) {
    emit(
        time,
        gcp(
            time,
            ACCESS_SECRET,
            SECRET_MANAGER,
            principal,
            resource,
            "data_access",
            denied,
            "secretmanager.versions.access",
            null));
  }

  private Map<String, Object> gcp(
      long time,
      String method,
      String service,
      String principal,
      String resource,
      String log,
      boolean denied,
      String permission,
      Map<String, Object> serviceData) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
    payload.put("authenticationInfo", Map.of("principalEmail", principal));
    payload.put(
        "authorizationInfo",
        List.of(
            Map.of(
                "resource", resource,
                "permission", permission,
                "granted", !denied,
                "resourceAttributes", Map.of())));
    payload.put("methodName", method);
    payload.put(
        "requestMetadata",
        Map.of(
            "callerIp",
            "10.128." + random.nextInt(250) + "." + (random.nextInt(250) + 1),
            "callerSuppliedUserAgent",
            "google-cloud-sdk gcloud/499.0.0,gzip(gfe)",
            "requestAttributes",
            Map.of("time", MICROS.format(Instant.ofEpochMilli(time))),
            "destinationAttributes",
            Map.of()));
    payload.put("resourceName", resource);
    payload.put("serviceName", service);
    payload.put("resourceLocation", Map.of("currentLocations", List.of("europe-west1")));
    if (denied) {
      payload.put("status", Map.of("code", 7, "message", "PERMISSION_DENIED"));
    }
    if (serviceData != null) {
      payload.put("serviceData", serviceData);
    }
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("insertId", Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
    rec.put("logName", "projects/" + PROJECT + "/logs/cloudaudit.googleapis.com%2F" + log);
    rec.put("protoPayload", payload);
    rec.put("receiveTimestamp", MICROS.format(Instant.ofEpochMilli(time + 180)));
    rec.put(
        "resource",
        Map.of(
            "type",
            "audited_resource",
            "labels",
            Map.of("project_id", PROJECT, "service", service, "method", method)));
    rec.put("severity", log.equals("activity") ? "NOTICE" : "INFO");
    rec.put("timestamp", MICROS.format(Instant.ofEpochMilli(time)));
    return rec;
  }

  // ------------------------------------------------------------------ helpers

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String hmac() {
    return "hmac-sha256:"
        + hex64(random.nextLong())
        + hex64(random.nextLong())
        + hex64(random.nextLong())
        + hex64(random.nextLong());
  }

  private static String fakeHmac(String what, int i) {
    SplittableRandom r = new SplittableRandom(what.hashCode() * 1_000_003L + i);
    return "hmac-sha256:"
        + hex64(r.nextLong())
        + hex64(r.nextLong())
        + hex64(r.nextLong())
        + hex64(r.nextLong());
  }

  private static String hex64(long value) {
    String hex = Long.toHexString(value);
    return "0".repeat(16 - hex.length()) + hex;
  }

  private static String stableUuid(String kind, int i) {
    SplittableRandom r = new SplittableRandom(kind.hashCode() * 1_000_003L + i);
    return new UUID(r.nextLong(), r.nextLong()).toString();
  }

  private static String json(Map<String, Object> record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("generated records are plain maps and lists", e);
    }
  }
}
