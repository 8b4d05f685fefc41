package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One category vocabulary across sources (docs/schema.md, "Categories"), checked on the corpus: the
 * same kind of operation gets the same category whichever cloud logged it. Infrastructure changes
 * are SYSTEM, changes to what records or watches activity are AUDIT_CONFIG, reads and what a
 * provider reports of itself are OTHER.
 */
class CategoryVocabularyTest {

  private static final List<AuditEvent> EVENTS = new ArrayList<>();

  @BeforeAll
  static void normalizeTheCorpus() {
    Normalizer normalizer = Normalizer.create();
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      for (Path file : CorpusRun.files(folder)) {
        EVENTS.addAll(CorpusRun.normalize(file, normalizer).events());
      }
    }
  }

  /** Every corpus event of each operation (any letter case) has the category; each occurs. */
  private static void allAre(Category category, Source source, String... operations) {
    for (String operation : operations) {
      List<AuditEvent> events =
          EVENTS.stream()
              .filter(e -> e.getSource() == source && e.getOperation().equalsIgnoreCase(operation))
              .toList();
      assertThat(events).as(source + " " + operation + " in the corpus").isNotEmpty();
      for (AuditEvent event : events) {
        assertThat(event.getCategory())
            .as(source + " " + event.getOperation() + " at " + event.getOrigin())
            .isEqualTo(category);
      }
    }
  }

  @Test
  void infrastructureChangesAreSystemOnEveryCloud() {
    allAre(
        Category.SYSTEM,
        Source.AWS_CLOUDTRAIL,
        "RunInstances",
        "TerminateInstances",
        "StopInstances",
        "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress",
        "CreateVpc",
        "CreateKeyPair",
        "DeleteDBInstance",
        "DeleteBucket",
        // a Security Hub insight is a saved filter over findings, not what records or watches
        "DeleteInsight");
    allAre(
        Category.SYSTEM,
        Source.AZURE_MONITOR,
        "Microsoft.Compute/virtualMachines/delete",
        "Microsoft.Compute/virtualMachines/write",
        "Microsoft.Network/networkSecurityGroups/delete",
        "Microsoft.Network/networkSecurityGroups/securityRules/write",
        "Microsoft.Resources/subscriptions/resourceGroups/delete",
        "Microsoft.Storage/storageAccounts/delete",
        "Microsoft.SQL/servers/delete",
        // lengthening a locked WORM retention policy: its '/extend' names no verb the parser knows
        "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/extend");
    allAre(
        Category.SYSTEM,
        Source.GCP_AUDIT,
        "v1.compute.firewalls.insert",
        "v1.compute.firewalls.delete",
        "v1.compute.instances.insert",
        "v1.compute.instances.delete",
        "beta.compute.instances.stop",
        "google.container.v1.ClusterManager.DeleteCluster",
        "storage.buckets.create");
  }

  @Test
  void credentialsThePlatformHandsOutAreSecretAccess() {
    // the Windows administrator password of an instance, encrypted to its launch key pair
    allAre(Category.SECRET_ACCESS, Source.AWS_CLOUDTRAIL, "GetPasswordData");
    allAre(
        Category.SECRET_ACCESS,
        Source.AZURE_MONITOR,
        "Microsoft.EventHub/namespaces/authorizationRules/listKeys/action");
    assertThat(
            EVENTS.stream()
                .filter(e -> e.getOperation().equals("GetPasswordData"))
                .map(AuditEvent::getAction)
                .distinct())
        .as("action of GetPasswordData")
        .containsExactly("read");
  }

  @Test
  void commandsAndConsolesOnMachinesAreSystemOnEveryCloud() {
    allAre(
        Category.SYSTEM,
        Source.AWS_CLOUDTRAIL,
        "SendCommand",
        "StartSession",
        "SendSerialConsoleSSHPublicKey");
    allAre(
        Category.SYSTEM,
        Source.AZURE_MONITOR,
        "Microsoft.Compute/virtualMachines/runCommand/action",
        "MICROSOFT.SERIALCONSOLE/SERIALPORTS/CONNECT/ACTION");
    allAre(Category.SYSTEM, Source.GCP_AUDIT, "google.ssh-serialport.v1.connect");
  }

  @Test
  void monitoringAndLoggingChangesAreAuditConfigOnEveryCloud() {
    allAre(
        Category.AUDIT_CONFIG,
        Source.AWS_CLOUDTRAIL,
        "StopLogging",
        "DeleteFlowLogs",
        "DeleteDeliveryChannel",
        "CreateIPSet",
        "UpdateFindings",
        "UpdateMacieSession");
    allAre(
        Category.AUDIT_CONFIG,
        Source.AZURE_MONITOR,
        "Microsoft.Insights/diagnosticSettings/delete",
        "Microsoft.OperationalInsights/workspaces/delete",
        "Microsoft.Insights/actionGroups/delete",
        "Microsoft.Insights/alertRules/delete",
        "Microsoft.Insights/metricAlerts/delete",
        "MICROSOFT.SECURITY/ALERTSSUPPRESSIONRULES/WRITE",
        "MICROSOFT.SECURITY/SECURITYCONTACTS/WRITE");
    allAre(
        Category.AUDIT_CONFIG,
        Source.GCP_AUDIT,
        "google.logging.v2.ConfigServiceV2.DeleteSink",
        "google.logging.v2.ConfigServiceV2.UpdateSink");
  }

  @Test
  void readsAndDataAreOtherOnEveryCloud() {
    allAre(
        Category.OTHER,
        Source.AWS_CLOUDTRAIL,
        "DescribeInstances",
        "DescribeSecurityGroups",
        "GetObject",
        "PutObject",
        "StartQueryExecution");
    allAre(
        Category.OTHER,
        Source.AZURE_MONITOR,
        "Microsoft.Compute/virtualMachines/read",
        "Microsoft.Network/networkSecurityGroups/read",
        "VaultGet",
        "GetBlob",
        "PutBlob");
    allAre(
        Category.OTHER,
        Source.GCP_AUDIT,
        "compute.instances.list",
        "dns.managedZones.get",
        "storage.objects.create",
        "storage.objects.delete",
        "google.cloud.bigquery.v2.JobService.InsertJob");
  }

  @Test
  void whatAProviderReportsOfItselfIsOther() {
    allAre(
        Category.OTHER,
        Source.AZURE_MONITOR,
        "Microsoft.Authorization/policies/audit/action",
        "Microsoft.Authorization/policies/deployIfNotExists/action",
        "Microsoft.Resourcehealth/healthevent/Updated/action",
        "Microsoft.Advisor/recommendations/available/action",
        "Microsoft.Insights/AlertRules/Resolved/Action",
        "Microsoft.Security/locations/alerts/activate/action");
  }
}
