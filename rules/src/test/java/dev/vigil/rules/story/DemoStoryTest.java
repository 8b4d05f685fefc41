package dev.vigil.rules.story;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.rules.Alert;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo story of {@code samples/} (see samples/README.md) through the real parsers and the
 * built-in pack: each scene raises exactly the detections the README lists, the ordinary traffic
 * around them raises none, and the two broken records are dead letters.
 */
class DemoStoryTest {

  private static final Path SAMPLES = Path.of("..", "samples");
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private static final List<AuditEvent> events = new ArrayList<>();
  private static final List<DeadLetterReason> deadLetters = new ArrayList<>();
  private static CompiledPack pack;

  @BeforeAll
  static void normalizeTheStory() throws Exception {
    assertThat(SAMPLES.resolve("README.md"))
        .as("the demo samples beside the rules module")
        .exists();
    Normalizer normalizer = Normalizer.create();
    for (String file :
        List.of(
            "vault/audit.log", "aws/cloudtrail.json", "azure/PT1H.json", "gcp/cloudaudit.jsonl")) {
      CorpusRun.Outcome outcome = CorpusRun.normalize(SAMPLES.resolve(file), normalizer);
      events.addAll(outcome.events());
      outcome.deadLetters().forEach(d -> deadLetters.add(d.getReason()));
    }
    pack = PackCompiler.compile(RulePack.builtIn());
  }

  @Test
  void everySceneRaisesExactlyItsDetections() {
    List<String> alerts = run(events).stream().map(DemoStoryTest::describe).toList();
    assertThat(alerts)
        .containsExactly(
            // 10:02 Vault: a stolen CI token refused 14 times in under 3 minutes.
            "10:03:48 denied_access_spike denied_access_spike high"
                + " {actor.id=9a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d} VAULT",
            // 10:06 Vault: the same token reads 60 distinct secrets in 6 minutes.
            "10:10:54 mass_secret_reads mass_secret_reads high"
                + " {actor.id=9a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d} VAULT",
            // 10:20 Vault: a root token rewrites the ops-admin policy (the use alerts on the
            // request
            // entry, the change on the response that says it succeeded).
            "10:20:14 root_token_use root_token_use critical"
                + " {actor.id=hmac-sha256:5d0f57dc32af39350589f4d7ac84452463f2f15eade2fa29161cfaa0dee8643b} VAULT",
            "10:20:14 policy_change vault_policy_change high"
                + " {actor.id=hmac-sha256:5d0f57dc32af39350589f4d7ac84452463f2f15eade2fa29161cfaa0dee8643b} VAULT",
            // 10:30 AWS: bob assumes break-glass-admin, reads secrets, attaches a policy.
            "10:30:02 break_glass_use break_glass_use critical"
                + " {actor.id=arn:aws:iam::111122223333:user/bob} AWS_CLOUDTRAIL",
            "10:33:00 break_glass_use break_glass_escalation critical {actor.id="
                + "arn:aws:sts::111122223333:assumed-role/break-glass-admin/bob-incident-4411}"
                + " AWS_CLOUDTRAIL",
            "10:33:00 break_glass_use break_glass_use critical {actor.id="
                + "arn:aws:sts::111122223333:assumed-role/break-glass-admin/bob-incident-4411}"
                + " AWS_CLOUDTRAIL",
            "10:36:40 policy_change aws_iam_policy_change high"
                + " {actor.id=arn:aws:sts::111122223333:assumed-role/break-glass-admin/bob-incident-4411} AWS_CLOUDTRAIL",
            // 10:40 AWS: the root user signs in and creates an access key.
            "10:40:01 root_token_use root_token_use critical"
                + " {actor.id=arn:aws:iam::111122223333:root} AWS_CLOUDTRAIL",
            "10:41:30 root_token_use root_credential_created critical"
                + " {actor.id=arn:aws:iam::111122223333:root} AWS_CLOUDTRAIL",
            // 11:00 Azure: a service principal refused 12 SecretGets in 4 minutes.
            "11:02:56 denied_access_spike denied_access_spike high"
                + " {actor.id=e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b} AZURE_MONITOR",
            // 11:07 Azure: carol adds a role assignment.
            "11:07:41 policy_change azure_role_assignment_change high"
                + " {actor.id=5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d} AZURE_MONITOR",
            // 11:15 GCP: dave grants roles/owner.
            "11:15:03 policy_change gcp_iam_policy_change high {actor.id=dave@example.com} GCP_AUDIT",
            // 11:16 GCP: a service account refused AccessSecretVersion 11 times.
            "11:19:19 denied_access_spike denied_access_spike high"
                + " {actor.id=scraper@acme-prod-4411.iam.gserviceaccount.com} GCP_AUDIT",
            // 11:24 GCP: the audit-archive sink deleted.
            "11:24:50 policy_change gcp_audit_logging_disabled critical"
                + " {actor.id=dave@example.com} GCP_AUDIT");
  }

  @Test
  void theOrdinaryTrafficRaisesNothing() {
    Map<String, Integer> alertsByActor = new TreeMap<>();
    List<String> ordinary =
        List.of(
            "payments-api",
            "alice@example.com",
            "deploy-bot",
            "payments-task/ecs-task-7f3a",
            "billing-job@acme-prod-4411.iam.gserviceaccount.com",
            "11111111-2222-4333-8444-555555555555");
    List<AuditEvent> background =
        events.stream().filter(e -> ordinary.contains(e.getActor().getName())).toList();
    assertThat(background).hasSizeGreaterThan(100);
    for (String actor : ordinary) {
      assertThat(background).anyMatch(e -> actor.equals(e.getActor().getName()));
    }
    run(background).forEach(a -> alertsByActor.merge(a.summary(), 1, Integer::sum));
    assertThat(alertsByActor).isEmpty();
  }

  @Test
  void theAlertsDoNotDependOnTheOrderTheFilesArriveIn() {
    List<AuditEvent> reversed = new ArrayList<>(events);
    java.util.Collections.reverse(reversed);
    assertThat(run(reversed)).isEqualTo(run(events));
  }

  @Test
  void theTwoBrokenRecordsAreDeadLetters() {
    assertThat(deadLetters)
        .containsExactly(DeadLetterReason.MALFORMED_JSON, DeadLetterReason.INVALID_TIME);
  }

  private static List<Alert> run(List<AuditEvent> input) {
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      input.forEach(engine::accept);
      engine.flush();
    }
    alerts.sort(Comparator.comparing(Alert::time).thenComparing(Alert::ruleName));
    return alerts;
  }

  private static String describe(Alert alert) {
    return CLOCK.format(alert.time())
        + " "
        + alert.detection()
        + " "
        + alert.ruleName()
        + " "
        + alert.severity()
        + " "
        + alert.group()
        + " "
        + String.join(",", alert.sources());
  }
}
