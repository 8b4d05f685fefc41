package dev.vigil.ingest.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.ingest.spi.SourceRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden tests over the Azure corpus, then one test per quirk on small records. */
class AzureMonitorParserTest {

  private static final AzureMonitorParser PARSER = new AzureMonitorParser();
  private static final Normalizer NORMALIZER = Normalizer.builder().parser(PARSER).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The events of one corpus file by origin ({@code <file>:<line>[#n]}). */
  private static Map<String, AuditEvent> corpus(String file) {
    CorpusRun.Outcome outcome = CorpusRun.normalize(CorpusRun.file("azure/" + file), NORMALIZER);
    assertThat(outcome.deadLetters()).isEmpty();
    return outcome.events().stream()
        .collect(
            Collectors.toMap(
                e -> e.getOrigin().substring(e.getOrigin().indexOf(':') + 1), Function.identity()));
  }

  private static AuditEvent one(String json) {
    CorpusRun.Outcome outcome = CorpusRun.normalizeText(json, NORMALIZER);
    assertThat(outcome.deadLetters()).as("dead letters").isEmpty();
    assertThat(outcome.events()).hasSize(1);
    return outcome.events().get(0);
  }

  private static DeadLetter deadLetter(String json) {
    CorpusRun.Outcome outcome = CorpusRun.normalizeText(json, NORMALIZER);
    assertThat(outcome.events()).isEmpty();
    assertThat(outcome.deadLetters()).hasSize(1);
    return outcome.deadLetters().get(0);
  }

  @Nested
  class Golden {

    @Test
    void eventHubActivityRecordWithClaimsAndEvidence() {
      AuditEvent e = corpus("msdocs_activity-log_eventhub-storage-schema_example.json").get("1#1");
      assertThat(e.getSource()).isEqualTo(Source.AZURE_MONITOR);
      assertThat(e.getTime()).isEqualTo(Instant.parse("2019-01-21T22:14:26.979Z"));
      assertThat(e.getOperation()).isEqualTo("microsoft.support/supporttickets/write");
      // A caller's change through ARM, as any create or update on AWS and GCP.
      assertThat(e.getCategory()).isEqualTo(Category.SYSTEM);
      assertThat(e.getAction()).isEqualTo("update");
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getDenied()).isFalse();
      assertThat(e.getActor().getId()).isEqualTo("123abc45-8211-44e3-95xq-85137af64708");
      assertThat(e.getActor().getName()).isEqualTo("admin@contoso.com");
      assertThat(e.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(e.getActor().getRoot()).isFalse();
      assertThat(e.getActor().getAuthMethod()).isEqualTo("pwd");
      assertThat(e.getActor().getMfa()).isFalse();
      assertThat(e.getActor().getPolicies()).containsExactly("Azure Eventhubs Service Role");
      assertThat(e.getActor().getSession()).isEqualTo("aaaa6666-bb77-8888-99cc-000000dddddd");
      assertThat(e.getSrc().getIp()).isEqualTo("111.111.111.11");
      assertThat(e.getTarget().getResource())
          .isEqualTo(
              "/subscriptions/s1/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/123456112305841");
      assertThat(e.getTarget().getType()).isEqualTo("microsoft.support/supporttickets");
      assertThat(e.getTarget().getAccount()).isEqualTo("s1");
      assertThat(e.getTarget().getRegion()).isEqualTo("global");
      assertThat(e.getEventId()).isEqualTo(EventIds.ofRaw(e.getRaw()));
    }

    @Test
    void restSchemaUsesEventDataIdAndTopLevelClaims() {
      AuditEvent e =
          corpus("msdocs_activity-log_rest-api-schema_administrative_example.json").get("1");
      assertThat(e.getEventId()).isEqualTo("aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e");
      assertThat(e.getTime()).isEqualTo(Instant.parse("2018-01-29T20:42:31.381Z"));
      assertThat(e.getOperation()).isEqualTo("Microsoft.Network/networkSecurityGroups/write");
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getActor().getId()).isEqualTo("f409edeb-4d29-44b5-9763-ee9348ad91bb");
      assertThat(e.getActor().getName()).isEqualTo("rob@contoso.com");
      assertThat(e.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(e.getActor().getAuthMethod()).isEqualTo("rsa,mfa");
      assertThat(e.getActor().getMfa()).isTrue();
      assertThat(e.getTarget().getType()).isEqualTo("microsoft.network/networksecuritygroups");
    }

    @Test
    void keyVaultSecretReadsAndRefusals() {
      Map<String, AuditEvent> kv = corpus("sekoia_intake-formats_azure-key-vault_tests.json");
      AuditEvent notFound = kv.get("83");
      assertThat(notFound.getOperation()).isEqualTo("SecretGet");
      assertThat(notFound.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(notFound.getAction()).isEqualTo("read");
      // resultType is "Success" on a 404: the HTTP status wins.
      assertThat(notFound.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(notFound.getDenied()).isFalse();
      assertThat(notFound.getErrorCode()).isEqualTo("Not Found");
      assertThat(notFound.getErrorMessage()).startsWith("A secret with (name/id) keykey");
      assertThat(notFound.getTarget().getResource())
          .isEqualTo("https://testpermissionvault.vault.azure.net/secrets/keykey");
      assertThat(notFound.getTarget().getType()).isEqualTo("microsoft.keyvault/vaults/secrets");

      AuditEvent forbidden = kv.get("117");
      assertThat(forbidden.getOperation()).isEqualTo("SecretGet");
      assertThat(forbidden.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(forbidden.getDenied()).isTrue();
      assertThat(forbidden.getErrorCode()).isEqualTo("Forbidden");
      assertThat(forbidden.getActor().getName()).isEqualTo("john.doe@dummy.onmicrosoft.com");
      assertThat(forbidden.getActor().getType()).isEqualTo(ActorType.USER);
      // clientInfo is the application's GUID here, not a user agent.
      assertThat(forbidden.getSrc().getUserAgent()).isNull();
      assertThat(forbidden.getTarget().getResource())
          .isEqualTo("https://keytestint.vault.azure.net/secrets/a");
      assertThat(forbidden.getEventId()).startsWith("sha256:");

      AuditEvent list = kv.get("151");
      assertThat(list.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(list.getAction()).isEqualTo("list");
      assertThat(list.getOutcome()).isEqualTo(Outcome.SUCCESS);
      // A list names no secret: the target is the vault.
      assertThat(list.getTarget().getType()).isEqualTo("microsoft.keyvault/vaults");

      AuditEvent purge = kv.get("215");
      assertThat(purge.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(purge.getAction()).isEqualTo("delete");
      assertThat(purge.getDenied()).isTrue();

      AuditEvent update = kv.get("284");
      // A secret's version is dropped: every version is the same secret.
      assertThat(update.getTarget().getResource())
          .isEqualTo("https://testpermissionvault.vault.azure.net/secrets/keykey");

      AuditEvent keyList = kv.get("11");
      assertThat(keyList.getCategory()).isEqualTo(Category.KEY_MANAGEMENT);
      assertThat(keyList.getDenied()).isTrue();

      AuditEvent forbiddenWith200 = kv.get("340");
      assertThat(forbiddenWith200.getOperation()).isEqualTo("VaultGet");
      assertThat(forbiddenWith200.getDenied()).isTrue();
      assertThat(forbiddenWith200.getOutcome()).isEqualTo(Outcome.FAILURE);

      AuditEvent appOnly = kv.get("324");
      assertThat(appOnly.getActor().getType()).isEqualTo(ActorType.SERVICE);
    }

    @Test
    void keyVaultOldSchemaInBothContainers() {
      AuditEvent lines = corpus("msdocs_keyvault_AuditEvent_PT1H_jsonlines.json").get("1");
      AuditEvent envelope = corpus("msdocs_keyvault_AuditEvent_PT1H_records-array.json").get("1#1");
      for (AuditEvent e : List.of(lines, envelope)) {
        assertThat(e.getOperation()).isEqualTo("VaultGet");
        assertThat(e.getCategory()).as("a read changes nothing").isEqualTo(Category.OTHER);
        assertThat(e.getAction()).isEqualTo("read");
        assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2016-01-05T01:32:01.269Z"));
        assertThat(e.getActor().getId()).isEqualTo("d9da5048-2737-4770-bd64-XXXXXXXXXXXX");
        assertThat(e.getActor().getName()).isEqualTo("live.com#username@outlook.com");
        assertThat(e.getSrc().getUserAgent()).isEqualTo("azure-resource-manager/2.0");
        // The vault, from the resource id: the control-plane requestUri names no vault object.
        assertThat(e.getTarget().getType()).isEqualTo("microsoft.keyvault/vaults");
        assertThat(e.getTarget().getAccount()).isEqualTo("361da5d4-a47a-4c79-afdd-xxxxxxxxxxxx");
      }
    }

    @Test
    void elevateAccessCallerIsRoot() {
      AuditEvent e = corpus("panther_azure_monitor_activity_rule_tests.jsonl").get("122");
      assertThat(e.getOperation()).isEqualTo("Microsoft.Authorization/elevateAccess/action");
      assertThat(e.getActor().getRoot()).isTrue();
      assertThat(e.getActor().getName()).isEqualTo("attacker@example.com");
      assertThat(e.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(e.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(e.getOcsfClassUid()).isEqualTo(3008);
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getTarget().getResource()).isEqualTo("/providers/Microsoft.Authorization");

      AuditEvent audit = corpus("panther_azure_signin_audit_rule_tests.jsonl").get("7");
      assertThat(audit.getActor().getRoot()).isTrue();
      assertThat(audit.getActor().getName()).isEqualTo("denethor@lotr.com");
      assertThat(audit.getCategory()).isEqualTo(Category.POLICY_CHANGE);

      assertThat(corpus("panther_azure_monitor_activity_rule_tests.jsonl").values())
          .filteredOn(event -> event.getActor().getRoot())
          .hasSize(1);
    }

    @Test
    void activityLogCategories() {
      Map<String, AuditEvent> activity = corpus("panther_azure_monitor_activity_rule_tests.jsonl");
      assertThat(activity.get("119").getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(activity.get("119").getAction()).isEqualTo("create");
      assertThat(activity.get("119").getActor().getPolicies()).containsExactly("Owner");
      assertThat(activity.get("98").getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(activity.get("99").getCategory())
          .as("a policy evaluation changes nothing")
          .isEqualTo(Category.OTHER);
      assertThat(activity.get("31").getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      assertThat(activity.get("31").getAction()).isEqualTo("delete");
      assertThat(activity.get("32").getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      AuditEvent getSecret = activity.get("60");
      assertThat(getSecret.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(getSecret.getAction()).isEqualTo("read");
      assertThat(getSecret.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(getSecret.getTarget().getType()).isEqualTo("microsoft.keyvault/vaults/secrets");
      assertThat(activity.get("62").getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(activity.get("54").getCategory()).isEqualTo(Category.KEY_MANAGEMENT);
      assertThat(activity.get("54").getAction()).isEqualTo("delete");
      AuditEvent refused = activity.get("106");
      assertThat(refused.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(refused.getDenied()).isTrue();
      assertThat(refused.getErrorCode()).isEqualTo("403");
      AuditEvent conflict = activity.get("184");
      assertThat(conflict.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(conflict.getDenied()).isFalse();
    }

    @Test
    void diskSasIssuanceIsASecretReadAsListServiceSasIs() {
      Map<String, AuditEvent> activity = corpus("panther_azure_monitor_activity_rule_tests.jsonl");
      // beginGetAccess hands out a SAS URL to the disk's content: a credential the platform issues.
      for (String line : List.of("205", "206", "207", "208")) {
        AuditEvent event = activity.get(line);
        assertThat(event.getOperation()).as(line).containsIgnoringCase("/beginGetAccess/action");
        assertThat(event.getCategory()).as(line).isEqualTo(Category.SECRET_ACCESS);
        assertThat(event.getAction()).as(line).isEqualTo("read");
        assertThat(event.getOcsfClassUid()).as(line).isEqualTo(6003);
      }
      AuditEvent snapshot =
          one(
              """
              {"time":"2025-12-23T14:00:00Z","category":"Administrative","resultType":"Success",
               "operationName":"Microsoft.Compute/snapshots/beginGetAccess/action",
               "resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/snap1"}
              """);
      assertThat(snapshot.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(snapshot.getAction()).isEqualTo("read");
    }

    @Test
    void kubernetesRbacWritesThroughArmArePolicyChangesAsOnGke() {
      Map<String, AuditEvent> activity = corpus("panther_azure_monitor_activity_rule_tests.jsonl");
      // Arc rolebindings, Arc clusterrolebindings, AKS rolebindings, AKS clusterrolebindings, roles
      for (String line : List.of("64", "65", "66", "67", "68")) {
        AuditEvent event = activity.get(line);
        assertThat(event.getOperation()).containsIgnoringCase("/rbac.authorization.k8s.io/");
        assertThat(event.getCategory()).as(line).isEqualTo(Category.POLICY_CHANGE);
        assertThat(event.getAction()).as(line).isEqualTo("update");
        assertThat(event.getOcsfClassUid()).as(line).isEqualTo(3008);
      }
      AuditEvent deleted =
          one(
              """
              {"time":"2024-12-17T10:30:00Z","category":"Administrative","resultType":"Success",
               "operationName":"Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/clusterrolebindings/delete",
               "resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1"}
              """);
      assertThat(deleted.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(deleted.getAction()).isEqualTo("delete");
    }

    @Test
    void startedOperationHasUnknownOutcome() {
      AuditEvent e = corpus("elastic_azure_activitylogs_test-activitylogs-raw.log").get("1");
      assertThat(e.getOperation())
          .isEqualTo("MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION");
      assertThat(e.getOutcome()).isEqualTo(Outcome.UNKNOWN);
      assertThat(e.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      // App-only token: an appid and no upn.
      assertThat(e.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(e.getActor().getId()).isEqualTo("8a4de8b5-095c-47d0-a96f-a75130c61d53");
      assertThat(e.getTarget().getAccount()).isEqualTo("8a4de8b5-095c-47d0-a96f-a75130c61d53");
    }

    @Test
    void signInWithMfaAndSevenDigitFraction() {
      AuditEvent e = corpus("elastic_azure_activitylogs_test-activitylogs-identity.log").get("1");
      assertThat(e.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(e.getOcsfClassUid()).isEqualTo(3002);
      assertThat(e.getAction()).isEqualTo("login");
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getTime()).isEqualTo(Instant.parse("2022-03-22T10:48:48.855Z"));
      assertThat(e.getEventId()).isEqualTo("29dcc432-5e8a-4659-9f03-6ede18400300");
      assertThat(e.getActor().getId()).isEqualTo("bc9c1bee-4c9b-499f-bbbb-11ec68546d75");
      assertThat(e.getActor().getName()).isEqualTo("Michell Lan@zzzz.com");
      assertThat(e.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(e.getActor().getMfa()).isTrue();
      assertThat(e.getActor().getAuthMethod()).isEqualTo("Previously satisfied");
      assertThat(e.getActor().getSession()).isEqualTo("20f8c7c8-6b7f-40e6-bd34-cdabdfd6381f");
      assertThat(e.getSrc().getIp()).isEqualTo("81.2.69.143");
      assertThat(e.getSrc().getUserAgent()).startsWith("Mozilla/5.0 (Windows NT 10.0");
      assertThat(e.getTarget().getAccount()).isEqualTo("c7f1e3ce-ba66-40a7-91bd-9594b36223fc");
      assertThat(e.getTarget().getRegion()).isNull();
    }

    @Test
    void signInIpv6AndCidrCallerAddresses() {
      Map<String, AuditEvent> edge =
          corpus("elastic_azure_activitylogs_test-activitylogs-edgecases.log");
      assertThat(edge.get("2").getSrc().getIp())
          .isEqualTo("2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6");
      // A CIDR is not an address: neither callerIpAddress nor properties.ipAddress gives one.
      assertThat(edge.get("3").getSrc().getIp()).isNull();
    }

    @Test
    void servicePrincipalSignInFailure() {
      AuditEvent e = corpus("elastic_azure_signinlogs_test-service-principal.log").get("1");
      assertThat(e.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(e.getDenied()).isFalse();
      assertThat(e.getErrorCode()).isEqualTo("7000222");
      assertThat(e.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(e.getActor().getId()).isEqualTo("22222222-4677-43b4-a1dc-ecb3230e9350");
      assertThat(e.getActor().getName())
          .isEqualTo("ConfigMgrSvc_22222222-dfb4-4070-ad95-cf1e68280bb0");
    }

    @Test
    void adfsSignInWithUsTimeAndStringNumbers() {
      AuditEvent e = corpus("elastic_azure_signinlogs_test-adfs-signin.log").get("1");
      assertThat(e.getTime()).isEqualTo(Instant.parse("2025-12-12T15:03:58Z"));
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getActor().getName()).isEqualTo("april.oniel@turtles.com");
      assertThat(e.getActor().getAuthMethod()).isEqualTo("Password");
      assertThat(e.getSrc().getUserAgent()).isNull();
      assertThat(e.getEventId()).isEqualTo("58f8ce73-9fc8-4f02-8ea8-1908964f842e");
    }

    @Test
    void pascalCaseResourceLog() {
      AuditEvent e = corpus("elastic_azure_platformlogs_test-platformlogs-identity.log").get("1");
      assertThat(e.getTime()).isEqualTo(Instant.parse("2020-11-03T09:06:42Z"));
      assertThat(e.getOperation()).isEqualTo("Retreive ConsumerGroup");
      assertThat(e.getAction()).isEqualTo("read");
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getActor().getName()).isEqualTo("Portal");
      assertThat(e.getTarget().getAccount()).isEqualTo("7657426d-c4c3-44ac-88a2-3b2cd59e6dba");
      assertThat(e.getTarget().getRegion()).isEqualTo("West Europe");
    }

    @Test
    void pantherSignInsAndEntraAudit() {
      Map<String, AuditEvent> p = corpus("panther_azure_signin_audit_rule_tests.jsonl");
      AuditEvent badPassword = p.get("42");
      assertThat(badPassword.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(badPassword.getDenied()).isFalse();
      assertThat(badPassword.getErrorCode()).isEqualTo("50126");
      assertThat(badPassword.getErrorMessage()).isEqualTo("Invalid username or password");
      assertThat(badPassword.getActor().getMfa()).isFalse();
      assertThat(badPassword.getTime()).isEqualTo(Instant.parse("2025-01-15T15:05:50.678Z"));
      // Lower-cased keys (calleripaddress, resulttype as a number) from a Panther export.
      AuditEvent lowerCased = p.get("12");
      assertThat(lowerCased.getSrc().getIp()).isEqualTo("12.12.12.12");
      assertThat(lowerCased.getErrorCode()).isEqualTo("7000215");
      assertThat(lowerCased.getActor().getType()).isEqualTo(ActorType.SERVICE);

      AuditEvent invite = p.get("19");
      assertThat(invite.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(invite.getOcsfClassUid()).isEqualTo(3007);
      assertThat(invite.getAction()).isEqualTo("create");
      assertThat(invite.getActor().getName()).isEqualTo("denethor@lotr.com");
      assertThat(invite.getEventId()).isEqualTo("Invited Users_123456789");
      assertThat(p.get("21").getOutcome()).isEqualTo(Outcome.FAILURE);

      AuditEvent pim = p.get("38");
      assertThat(pim.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(pim.getOcsfClassUid()).isEqualTo(3008);
      assertThat(pim.getTarget().getType()).isEqualTo("Role");

      AuditEvent removeRole = p.get("8");
      assertThat(removeRole.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(removeRole.getAction()).isEqualTo("delete");
      assertThat(removeRole.getTarget().getResource()).isEqualTo("former@company.com");

      assertThat(p.get("25").getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(p.get("43").getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
    }

    @Test
    void storageResourceLogs() {
      Map<String, AuditEvent> activity = corpus("panther_azure_monitor_activity_rule_tests.jsonl");
      AuditEvent delete = activity.get("155");
      assertThat(delete.getOperation()).isEqualTo("DeleteBlob");
      assertThat(delete.getAction()).isEqualTo("delete");
      // callerIpAddress carries a port.
      assertThat(delete.getSrc().getIp()).isEqualTo("5.5.5.5");
      assertThat(delete.getSrc().getUserAgent()).startsWith("AZURECLI/2.79.0");
      assertThat(delete.getTarget().getResource())
          .isEqualTo("/mystorageaccount/corporate-files/documents/internal_doc_13.txt");
      AuditEvent sas = activity.get("162");
      assertThat(sas.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(sas.getErrorCode()).isEqualTo("BlobUsesCustomerSpecifiedEncryption");
      assertThat(sas.getActor().getAuthMethod()).isEqualTo("SAS");
    }

    @Test
    void restSchemaAlertAndSecurityRecordsHaveUnknownOutcome() {
      Map<String, AuditEvent> sekoia =
          corpus("sekoia_intake-formats_azure-activity-logs_tests.jsonl");
      assertThat(sekoia.get("2").getOutcome()).isEqualTo(Outcome.UNKNOWN);
      assertThat(sekoia.get("2").getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(sekoia.get("4").getOutcome()).isEqualTo(Outcome.UNKNOWN);
      assertThat(sekoia.get("3").getCategory())
          .as("Azure Policy's evaluation is a notice, not a change")
          .isEqualTo(Category.OTHER);
    }
  }

  @Nested
  class Quirks {

    private static final String ACTIVITY =
        """
        {"time":"2024-01-01T00:00:00.1234567Z","resourceId":"/subscriptions/AB/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",\
        "operationName":"Microsoft.KeyVault/vaults/write","category":"Administrative","resultType":"Success",\
        "callerIpAddress":"10.0.0.1","correlationId":"c1","properties":%s}""";

    @Test
    void vaultWriteWithAccessPoliciesInAStringBodyIsAPolicyChange() {
      String body =
          "{\"requestbody\":\"{\\\"properties\\\":{\\\"accessPolicies\\\":[{\\\"objectId\\\":\\\"x\\\"}]}}\"}";
      AuditEvent e = one(ACTIVITY.formatted(body));
      assertThat(e.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(e.getOcsfClassUid()).isEqualTo(3008);
      assertThat(e.getTime()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123Z"));
      assertThat(e.getTarget().getAccount()).isEqualTo("ab");
    }

    @Test
    void vaultWriteWithAccessPoliciesInAnObjectBodyIsAPolicyChange() {
      String body = "{\"requestBody\":{\"properties\":{\"accessPolicies\":[]}}}";
      assertThat(one(ACTIVITY.formatted(body)).getCategory()).isEqualTo(Category.POLICY_CHANGE);
    }

    @Test
    void vaultWriteWithoutAccessPoliciesIsNot() {
      String body = "{\"requestbody\":\"{\\\"properties\\\":{\\\"sku\\\":{}}}\"}";
      assertThat(one(ACTIVITY.formatted(body)).getCategory()).isEqualTo(Category.SYSTEM);
      assertThat(one(ACTIVITY.formatted("\"not json\"")).getCategory()).isEqualTo(Category.SYSTEM);
    }

    @Test
    void propertiesAsAJsonString() {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","category":"AuditEvent","operationName":"SecretGet",\
              "resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/V",\
              "properties":"{\\"id\\":\\"https://V.vault.azure.net/secrets/Db-Pass/abc\\",\\"httpStatusCode\\":200}"}""");
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(e.getTarget().getResource())
          .isEqualTo("https://v.vault.azure.net/secrets/db-pass");
    }

    @Test
    void keyVaultSecretFromRequestUriWhenIdIsAbsent() {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","category":"AuditEvent","operationName":"SecretGet","resultType":"Success",\
              "properties":{"requestUri":"https://v.vault.azure.net/secrets/api-key/?api-version=7.4","httpStatusCode":200}}""");
      assertThat(e.getTarget().getResource())
          .isEqualTo("https://v.vault.azure.net/secrets/api-key");
    }

    @Test
    void authorizationFailedInAStatusMessageIsDenied() {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/r",\
              "operationName":"Microsoft.Authorization/roleAssignments/write","category":"Administrative","resultType":"Failure",\
              "properties":{"statusCode":"BadRequest","statusMessage":"{\\"error\\":{\\"code\\":\\"AuthorizationFailed\\",\\"message\\":\\"The client does not have authorization\\"}}"}}""");
      assertThat(e.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(e.getDenied()).isTrue();
      assertThat(e.getErrorCode()).isEqualTo("AuthorizationFailed");
      assertThat(e.getErrorMessage()).isEqualTo("The client does not have authorization");
      assertThat(e.getCategory()).isEqualTo(Category.POLICY_CHANGE);
    }

    @Test
    void restSubStatusForbiddenIsDenied() {
      AuditEvent e =
          one(
              """
              {"eventTimestamp":"2024-01-01T00:00:00Z","eventDataId":"e1","operationName":{"value":"Microsoft.Compute/virtualMachines/delete"},\
              "category":{"value":"Administrative"},"status":{"value":"Failed"},"subStatus":{"value":"Forbidden"},"caller":"a@b.c"}""");
      assertThat(e.getDenied()).isTrue();
      assertThat(e.getErrorCode()).isEqualTo("Forbidden");
      assertThat(e.getEventId()).isEqualTo("e1");
      assertThat(e.getActor().getType()).isEqualTo(ActorType.USER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"50105", "53003"})
    void signInRefusedByAssignmentOrConditionalAccessIsDenied(String code) {
      AuditEvent e = one(signIn(code));
      assertThat(e.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(e.getDenied()).isTrue();
      assertThat(e.getErrorCode()).isEqualTo(code);
    }

    @Test
    void signInWithBadPasswordIsAFailureButNotDenied() {
      AuditEvent e = one(signIn("50126"));
      assertThat(e.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(e.getDenied()).isFalse();
    }

    private String signIn(String code) {
      return """
          {"time":"2024-01-01T00:00:00Z","category":"SignInLogs","operationName":"Sign-in activity","resultType":"%s",\
          "properties":{"id":"s1","userId":"u1","userPrincipalName":"u@x.y","status":{"errorCode":%s}}}"""
          .formatted(code, code);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
      // what records, keeps or watches activity: AUDIT_CONFIG, as CloudTrail, GuardDuty, alarms
      "Administrative, Microsoft.Insights/dataCollectionRules/delete, AUDIT_CONFIG, delete",
      "Administrative, Microsoft.Compute/virtualMachines/providers/Microsoft.Insights/dataCollectionRuleAssociations/delete, AUDIT_CONFIG, delete",
      "Administrative, Microsoft.Network/networkWatchers/flowLogs/delete, AUDIT_CONFIG, delete",
      "Administrative, Microsoft.OperationalInsights/workspaces/purge/action, AUDIT_CONFIG, delete",
      "Administrative, Microsoft.OperationalInsights/workspaces/tables/write, AUDIT_CONFIG, update",
      "Administrative, Microsoft.Insights/scheduledQueryRules/delete, AUDIT_CONFIG, delete",
      "Administrative, Microsoft.AlertsManagement/actionRules/write, AUDIT_CONFIG, update",
      "Administrative, Microsoft.Security/pricings/write, AUDIT_CONFIG, update",
      "Administrative, Microsoft.Security/locations/alerts/dismiss/action, AUDIT_CONFIG, update",
      "Administrative, Microsoft.SecurityInsights/alertRules/delete, AUDIT_CONFIG, delete",
      "Administrative, Microsoft.OperationalInsights/workspaces/providers/Microsoft.SecurityInsights/dataConnectors/delete, AUDIT_CONFIG, delete",
      // a change a caller makes to the infrastructure: SYSTEM, as on AWS and GCP
      "Administrative, Microsoft.Compute/virtualMachines/start/action, SYSTEM, enable",
      "Administrative, Microsoft.Compute/virtualMachines/powerOff/action, SYSTEM, disable",
      "Administrative, Microsoft.Compute/virtualMachines/deallocate/action, SYSTEM, disable",
      "Administrative, Microsoft.Compute/virtualMachines/restart/action, SYSTEM, update",
      "Administrative, Microsoft.Resources/deployments/write, SYSTEM, update",
      "Administrative, Microsoft.Compute/virtualMachines/runCommand/action, SYSTEM, other",
      // a container's WORM retention policy locked or lengthened: verbs the parser does not know
      "Administrative, Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/lock/action, SYSTEM, update",
      "Administrative, Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/extend/action, SYSTEM, update",
      // reads, and what Azure reports of itself: OTHER
      "Administrative, Microsoft.Compute/virtualMachines/read, OTHER, read",
      "Administrative, Microsoft.Insights/metricAlerts/read, OTHER, read",
      "ResourceHealth, Microsoft.Resourcehealth/healthevent/Updated/action, OTHER, update",
      "Policy, Microsoft.Authorization/policies/deny/action, OTHER, other",
      "Autoscale, Microsoft.Insights/AutoscaleSettings/Scaleup/Action, OTHER, other",
    })
    void oneCategoryMeaningForActivityLogOperations(
        String logCategory, String operation, Category category, String action) {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","operationName":"%s","category":"%s","resultType":"Success",              "resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"}"""
                  .formatted(operation, logCategory));
      assertThat(e.getCategory()).as("category").isEqualTo(category);
      assertThat(e.getAction()).as("action").isEqualTo(action);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "VaultGet, OTHER, read",
      "VaultList, OTHER, list",
      "VaultDelete, SYSTEM, delete",
      "VaultPurge, SYSTEM, delete",
      "SecretNearExpiryEventGridNotification, OTHER, other",
      "CertificateExpiredEventGridNotification, OTHER, other",
      "VaultAccessPolicyChangedEventGridNotification, POLICY_CHANGE, update",
    })
    void keyVaultOperationsOfTheVaultItself(String operation, Category category, String action) {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","category":"AuditEvent","operationName":"%s","resultType":"Success",              "resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV1",              "properties":{"httpStatusCode":200}}"""
                  .formatted(operation));
      assertThat(e.getCategory()).as("category").isEqualTo(category);
      assertThat(e.getAction()).as("action").isEqualTo(action);
    }

    @Test
    void operationNameCaseDoesNotChangeTheMapping() {
      for (String op :
          List.of(
              "Microsoft.Authorization/roleAssignments/delete",
              "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE",
              "microsoft.authorization/roleassignments/delete")) {
        AuditEvent e =
            one(
                """
                {"time":"2024-01-01T00:00:00Z","operationName":"%s","category":"Administrative","resultType":"Succeeded"}"""
                    .formatted(op));
        assertThat(e.getCategory()).isEqualTo(Category.POLICY_CHANGE);
        assertThat(e.getAction()).isEqualTo("delete");
        assertThat(e.getOperation()).isEqualTo(op);
      }
    }

    @Test
    void durationAndLevelOfEitherTypeAndCase() {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","operationName":"Microsoft.Web/sites/read","category":"Administrative",\
              "durationMs":"12","Level":4,"resultType":"Success"}""");
      assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void claimsV2AmrArrayWithMfa() {
      AuditEvent e =
          one(
              """
              {"time":"2024-01-01T00:00:00Z","operationName":"Microsoft.Web/sites/write","category":"Administrative",\
              "identity":{"claims":{"oid":"o1","upn":"a@b.c","amr":["pwd","mfa"]}}}""");
      assertThat(e.getActor().getId()).isEqualTo("o1");
      assertThat(e.getActor().getMfa()).isTrue();
      assertThat(e.getActor().getAuthMethod()).isEqualTo("pwd,mfa");
    }

    @Test
    void panthersSpaceSeparatedTime() {
      AuditEvent e =
          one(
              """
              {"time":"2025-01-15 14:20:35.456","operationName":"Update user","category":"AuditLogs",\
              "properties":{"operationType":"Update","initiatedBy":{"app":{"servicePrincipalId":"sp1","displayName":"Sync"}}}}""");
      assertThat(e.getTime()).isEqualTo(Instant.parse("2025-01-15T14:20:35.456Z"));
      assertThat(e.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(e.getActor().getId()).isEqualTo("sp1");
    }

    @Test
    void missingTimeIsADeadLetterNamingTheFields() {
      DeadLetter d = deadLetter("{\"operationName\":\"KeyDelete\",\"category\":\"AuditEvent\"}");
      assertThat(d.getReason()).isEqualTo(DeadLetterReason.MISSING_TIME);
      assertThat(d.getMessage()).contains("time", "eventTimestamp");
    }

    @Test
    void unparsableTimeIsInvalid() {
      DeadLetter d =
          deadLetter(
              "{\"time\":\"yesterday\",\"operationName\":\"x/y/read\",\"category\":\"Administrative\"}");
      assertThat(d.getReason()).isEqualTo(DeadLetterReason.INVALID_TIME);
    }

    @Test
    void timeOfTheWrongTypeIsAWrongType() {
      DeadLetter d =
          deadLetter(
              "{\"time\":{\"a\":1},\"operationName\":\"x/y/read\",\"category\":\"Administrative\"}");
      assertThat(d.getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
    }

    @Test
    void missingOperationIsAMissingField() {
      DeadLetter d =
          deadLetter(
              "{\"time\":\"2024-01-01T00:00:00Z\",\"resourceId\":\"/subscriptions/s\",\"category\":\"Administrative\"}");
      assertThat(d.getReason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
      assertThat(d.getMessage()).contains("operationName");
    }

    @Test
    void noBodyValueIsCopiedIntoTheEvent() {
      String secret = "s3cr3t-value-never-copied";
      AuditEvent e =
          one(
              ACTIVITY.formatted(
                  "{\"requestbody\":{\"properties\":{\"password\":\""
                      + secret
                      + "\"}},"
                      + "\"responseBody\":\"{\\\"value\\\":\\\""
                      + secret
                      + "\\\"}\"}"));
      e.setRaw("");
      assertThat(dev.vigil.ingest.io.EventJson.toJson(e)).doesNotContain(secret);
    }
  }

  @Nested
  class Recognition {

    @Test
    void everyAzureRecordIsRecognized() {
      for (Path file : CorpusRun.files("azure")) {
        for (ObjectNode record : CorpusRun.recordObjects(file)) {
          assertThat(PARSER.recognize(SourceRecord.of(record)))
              .as("%s: %s", file.getFileName(), record.fieldNames().next())
              .isPositive();
        }
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vault", "cloudtrail", "gcp"})
    void noRecordOfAnotherSourceIsRecognized(String folder) {
      int checked = 0;
      for (Path file : CorpusRun.files(folder)) {
        for (ObjectNode record : CorpusRun.recordObjects(file)) {
          assertThat(PARSER.recognize(SourceRecord.of(record)))
              .as("%s", file.getFileName())
              .isZero();
          checked++;
        }
      }
      assertThat(checked).isPositive();
    }
  }
}
