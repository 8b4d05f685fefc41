package dev.vigil.ingest.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RecordRejectedException;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.spi.SourceRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GcpAuditParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Configured in another case than the corpus writes it: the comparison ignores case. */
  private static final GcpAuditParser PARSER = new GcpAuditParser(Set.of("XXX@xxx.XXX"));

  private static final String ELASTIC = "elastic_gcp_audit_test-audit.log:";
  private static final String PANTHER = "panther_gcp_auditlog_rule_tests.jsonl:";
  private static final String SEKOIA = "sekoia_intake-formats_google-cloud-audit_tests.json:";

  private static final Map<String, AuditEvent> CORPUS = new HashMap<>();

  @BeforeAll
  static void normalizeCorpus() {
    Normalizer normalizer = Normalizer.builder().parser(PARSER).build();
    for (Path file : CorpusRun.files("gcp")) {
      CorpusRun.normalize(file, normalizer).events().forEach(e -> CORPUS.put(e.getOrigin(), e));
    }
  }

  private static AuditEvent corpus(String origin) {
    assertThat(CORPUS).as("corpus event " + origin).containsKey(origin);
    return CORPUS.get(origin);
  }

  // ---- golden tests on the corpus --------------------------------------------------------------

  @Nested
  class Golden {

    @Test
    void dataAccessReadWithEmptyStatusBySuperAdmin() {
      AuditEvent event = corpus(ELASTIC + "1");
      assertThat(event.getSource()).isEqualTo(Source.GCP_AUDIT);
      assertThat(event.getEventId()).isEqualTo("-uihnmjctwo");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2019-12-19T00:49:36.086Z"));
      assertThat(event.getCategory()).isEqualTo(Category.OTHER);
      assertThat(event.getAction()).isEqualTo("read");
      assertThat(event.getOperation()).isEqualTo("GetResourceBillingInfo");
      assertThat(event.getOcsfClassUid()).isEqualTo(6003);
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getErrorCode()).isNull();
      assertThat(event.getActor().getId()).isEqualTo("xxx@xxx.xxx");
      assertThat(event.getActor().getName()).isEqualTo("xxx@xxx.xxx");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getRoot()).isTrue();
      assertThat(event.getSrc().getIp()).isEqualTo("192.168.1.1");
      assertThat(event.getTarget().getResource()).isEqualTo("projects/elastic-beats");
      assertThat(event.getTarget().getType()).isEqualTo("cloudbilling.googleapis.com");
      assertThat(event.getTarget().getAccount()).isEqualTo("elastic-beats");
    }

    @Test
    void grantedFalseWithoutStatusIsADeniedFailureAndGfeSuffixesAreStripped() {
      AuditEvent event = corpus(ELASTIC + "2");
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getAction()).isEqualTo("list");
      // No status: the refused check is the result, as Elastic's pipeline reads it too.
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getErrorCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(event.getErrorMessage())
          .isEqualTo("permission 'compute.machineTypes.list' not granted");
      assertThat(event.getSrc().getUserAgent())
          .isEqualTo(
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:71.0) Gecko/20100101 Firefox/71.0");
      assertThat(event.getTarget().getRegion()).isEqualTo("global");
    }

    @Test
    void statusSevenWithoutGrantedIsDenied() {
      AuditEvent event = corpus(ELASTIC + "4");
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getErrorCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(event.getErrorMessage()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void gkeEntriesTakeTheirActionFromTheKubernetesVerb() {
      AuditEvent review = corpus(ELASTIC + "5");
      assertThat(review.getTime()).isEqualTo(Instant.parse("2020-08-05T21:07:30.974Z"));
      assertThat(review.getCategory()).isEqualTo(Category.OTHER);
      assertThat(review.getAction()).isEqualTo("create");
      assertThat(review.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(review.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(review.getTarget().getType()).isEqualTo("k8s.io");
      assertThat(review.getTarget().getRegion()).isEqualTo("us-central1-a");

      AuditEvent huge = corpus(ELASTIC + "14");
      assertThat(huge.getOperation()).isEqualTo("io.k8s.apps.v1.deployments.patch");
      assertThat(huge.getAction()).isEqualTo("update");
      assertThat(huge.getActor().getId()).isEqualTo("system:addon-manager");
      assertThat(huge.getTarget().getResource())
          .isEqualTo("apps/v1/namespaces/kube-system/deployments/konnectivity-agent");
      assertThat(corpus(ELASTIC + "8").getAction()).isEqualTo("list");
    }

    @Test
    void kubernetesAnonymousAndLoopbackCaller() {
      AuditEvent anonymous = corpus(ELASTIC + "10");
      assertThat(anonymous.getActor().getType()).isEqualTo(ActorType.ANONYMOUS);
      assertThat(anonymous.getAction()).isEqualTo("read");
      assertThat(corpus(ELASTIC + "11").getSrc().getIp()).isEqualTo("::1");
    }

    @Test
    void serviceAccountKeyIsTheSessionAndGceInternalIpIsNoIp() {
      AuditEvent event = corpus(ELASTIC + "12");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2022-02-21T13:57:39.174Z"));
      assertThat(event.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(event.getAction()).isEqualTo("list");
      assertThat(event.getActor().getSession()).isEqualTo("//xxx@xxx");
      assertThat(event.getActor().getAuthMethod()).isEqualTo("service_account_key");
      // The redacted email looks like a person's; the key says a service account called.
      assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(event.getSrc().getIp()).isNull();
    }

    @Test
    void principalSubjectAndServiceAccountKeyNameTypeTheCallerOverItsEmail() {
      // principalEmail some.user@some-project.com, principalSubject serviceAccount:..., a key
      AuditEvent apiKey = corpus(PANTHER + "112");
      assertThat(apiKey.getActor().getId()).isEqualTo("some.user@some-project.com");
      assertThat(apiKey.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(corpus(PANTHER + "19").getActor().getType()).isEqualTo(ActorType.SERVICE);
      // principalSubject user: stays a person
      assertThat(corpus(PANTHER + "109").getActor().getType()).isEqualTo(ActorType.USER);
    }

    @Test
    void malformedLogNameStillGivesAnAuditEvent() {
      AuditEvent event = corpus(ELASTIC + "13");
      assertThat(event.getOperation())
          .isEqualTo("io.k8s.authorization.v1beta1.subjectaccessreviews.create");
      assertThat(event.getTarget().getAccount()).isEqualTo("project");
    }

    @Test
    void projectSetIamPolicyThroughWorkloadIdentity() {
      AuditEvent event = corpus("elastic_gcp_audit_test-cloudresourcemanager-googleapis-com.log:1");
      assertThat(event.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(event.getOcsfClassUid()).isEqualTo(3008);
      assertThat(event.getAction()).isEqualTo("update");
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getActor().getId())
          .isEqualTo("made-up-ci-account@project-id.iam.gserviceaccount.com");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(event.getActor().getRoot()).isFalse();
      assertThat(event.getActor().getSession())
          .startsWith("principal://iam.googleapis.com/projects/project-id/locations/global/");
      assertThat(event.getActor().getAuthMethod()).isEqualTo("service_account_impersonation");
      assertThat(event.getTarget().getResource()).isEqualTo("projects/project-id");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2024-11-19T13:12:20.942Z"));
    }

    @Test
    void generateAccessTokenByAWorkloadIdentityWithoutEmail() {
      AuditEvent event = corpus("elastic_gcp_audit_test-iamcredentials-googleapis-com.log:1");
      assertThat(event.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(event.getOcsfClassUid()).isEqualTo(3002);
      assertThat(event.getAction()).isEqualTo("assume_role");
      assertThat(event.getActor().getId())
          .isEqualTo(
              "principal://iam.googleapis.com/projects/project-id/locations/global/workloadIdentityPools/...");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(event.getActor().getAuthMethod()).isEqualTo("workload_identity_federation");
      assertThat(event.getSrc().getUserAgent()).isEqualTo("Go-http-client/2.0");
      assertThat(event.getTarget().getResource())
          .isEqualTo("projects/-/serviceAccounts/somenumber");
    }

    @Test
    void policyDeniedLogAndDuplicatedPantherKeys() {
      AuditEvent event = corpus(PANTHER + "2");
      // Both insertId and Panther's insertid are present: the canonical spelling wins.
      assertThat(event.getEventId()).isEqualTo("13ogcded7jh2");
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getErrorCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(event.getErrorMessage())
          .startsWith("Request is prohibited by organization's policy");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2023-03-09T16:28:40.890Z"));
    }

    @Test
    void pantherLowerCasedKeysAndSpaceSeparatedTime() {
      AuditEvent event = corpus(PANTHER + "3");
      assertThat(event.getEventId()).isNotBlank().doesNotStartWith("sha256:");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2023-03-28T17:37:02.096Z"));
      assertThat(event.getOperation()).isEqualTo("google.cloud.bigquery.v2.JobService.InsertJob");
      assertThat(event.getTarget().getAccount()).isEqualTo("gcp-project1");

      AuditEvent lowerCasedPayload = corpus(PANTHER + "30");
      assertThat(lowerCasedPayload.getActor().getId()).isEqualTo("user@company.io");
    }

    @Test
    void otherStatusCodesAreFailuresButNotDenials() {
      AuditEvent exists = corpus(PANTHER + "7");
      assertThat(exists.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(exists.getDenied()).isFalse();
      assertThat(exists.getErrorCode()).isEqualTo("ALREADY_EXISTS");
      assertThat(exists.getErrorMessage()).isEqualTo("Resource 'cloudrun-exfil' already exists.");
      assertThat(corpus(PANTHER + "28").getErrorCode()).isEqualTo("NOT_FOUND");
      assertThat(corpus(PANTHER + "87").getErrorCode()).isEqualTo("FAILED_PRECONDITION");
      assertThat(corpus(PANTHER + "124").getErrorCode()).isEqualTo("OUT_OF_RANGE");
    }

    @Test
    void refusedSetIamPolicyIsADeniedPolicyChange() {
      AuditEvent event = corpus(PANTHER + "9");
      assertThat(event.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(event.getDenied()).isTrue();
      // Two refused checks of one permission, no status: the policy was not set.
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getErrorCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(event.getErrorMessage())
          .isEqualTo("permission 'run.services.setIamPolicy' not granted");
    }

    @Test
    void setIamPolicySpellings() {
      for (String line : List.of("8", "19", "20", "51", "60", "65", "90", "103", "106", "111")) {
        AuditEvent event = corpus(PANTHER + line);
        assertThat(event.getCategory()).as(event.getOperation()).isEqualTo(Category.POLICY_CHANGE);
        assertThat(event.getOcsfClassUid()).as(event.getOperation()).isEqualTo(3008);
      }
      assertThat(corpus(PANTHER + "83").getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(corpus(PANTHER + "77").getCategory()).isEqualTo(Category.OTHER);
    }

    @Test
    void terraformUpdateMaskNamingAuditConfigsIsStillAPolicyChange() {
      AuditEvent event = corpus(PANTHER + "64");
      assertThat(event.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(event.getTarget().getAccount()).isEqualTo("organizations/888888888888");
    }

    @Test
    void loggingConfigurationChangesAreAuditConfig() {
      assertThat(corpus(PANTHER + "11").getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      AuditEvent deleteSink = corpus(PANTHER + "96");
      assertThat(deleteSink.getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      assertThat(deleteSink.getAction()).isEqualTo("delete");
      assertThat(corpus(PANTHER + "95").getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      AuditEvent getSink = corpus(PANTHER + "98");
      assertThat(getSink.getCategory()).isEqualTo(Category.OTHER);
      assertThat(getSink.getAction()).isEqualTo("read");
    }

    @Test
    void identityManagement() {
      AuditEvent role = corpus(PANTHER + "63");
      assertThat(role.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(role.getOcsfClassUid()).isEqualTo(3008);
      assertThat(role.getAction()).isEqualTo("create");
      AuditEvent key = corpus(PANTHER + "109");
      assertThat(key.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(key.getOcsfClassUid()).isEqualTo(3007);
      assertThat(key.getAction()).isEqualTo("create");
      AuditEvent refused = corpus(PANTHER + "107");
      assertThat(refused.getDenied()).isTrue();
      assertThat(refused.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(refused.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(corpus(PANTHER + "129").getAction()).isEqualTo("delete");
    }

    @Test
    void signJwtIsAuthentication() {
      AuditEvent event = corpus(PANTHER + "70");
      assertThat(event.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(event.getAction()).isEqualTo("sign");
      AuditEvent notSigned = corpus(PANTHER + "71");
      assertThat(notSigned.getDenied()).isTrue();
      // status {} beside a refused check: no code of its own, so the refusal decides.
      assertThat(notSigned.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(notSigned.getErrorCode()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void kmsEncryptionAndKeyVersions() {
      AuditEvent encrypt = corpus(PANTHER + "85");
      assertThat(encrypt.getCategory()).isEqualTo(Category.KEY_MANAGEMENT);
      assertThat(encrypt.getAction()).isEqualTo("encrypt");
      // A Google-managed service agent whose email lacks the '@' still is a service.
      assertThat(encrypt.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(corpus(PANTHER + "94").getAction()).isEqualTo("delete");
      assertThat(corpus(PANTHER + "94").getCategory()).isEqualTo(Category.KEY_MANAGEMENT);
    }

    @Test
    void oddRecordsStillNormalize() {
      // Binary-looking junk in request.fingerprint.
      assertThat(corpus(PANTHER + "1").getOperation()).isEqualTo("v1.compute.subnetworks.patch");
      assertThat(corpus(PANTHER + "128").getOperation()).isEqualTo("v1.compute.subnetworks.patch");
      // granted holds a word, not a boolean: no denial is read into it.
      assertThat(corpus(PANTHER + "105").getDenied()).isFalse();
      // IPv6 caller with leading zeros; an organization-level log.
      AuditEvent pool = corpus(PANTHER + "129");
      assertThat(pool.getSrc().getIp()).isEqualTo("7da:994:97fb:8db1:c68f:c109:fcdd:d594");
      assertThat(pool.getTarget().getAccount()).isEqualTo("organizations/123456789012");
      // No insertId: the id is a hash of the record.
      assertThat(corpus(PANTHER + "15").getEventId()).startsWith("sha256:");
    }

    @Test
    void workspaceLogins() {
      AuditEvent failure = corpus(SEKOIA + "570");
      assertThat(failure.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(failure.getOcsfClassUid()).isEqualTo(3002);
      assertThat(failure.getAction()).isEqualTo("login");
      assertThat(failure.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(failure.getActor().getAuthMethod()).isEqualTo("google_password");
      assertThat(failure.getActor().getMfa()).isTrue();
      assertThat(failure.getSrc().getIp()).isEqualTo("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
      assertThat(failure.getTarget().getAccount()).isEqualTo("organizations/123");

      AuditEvent success = corpus(SEKOIA + "635");
      assertThat(success.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(success.getActor().getMfa()).isFalse();
      assertThat(success.getActor().getId()).isEqualTo("test-user@example.com");

      assertThat(corpus(SEKOIA + "1040").getOutcome()).isEqualTo(Outcome.UNKNOWN);
      assertThat(corpus(SEKOIA + "779").getAction()).isEqualTo("logout");
      AuditEvent twoStepOff = corpus(SEKOIA + "1");
      assertThat(twoStepOff.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(twoStepOff.getAction()).isEqualTo("disable");
      assertThat(corpus(SEKOIA + "105").getActor().getType()).isEqualTo(ActorType.UNKNOWN);
    }
  }

  // ---- quirks, one at a time -------------------------------------------------------------------

  /** A complete activity entry; tests change what they are about. */
  private static ObjectNode entry() {
    try {
      return (ObjectNode)
          JSON.readTree(
              """
              {"insertId":"abc123","logName":"projects/proj-1/logs/cloudaudit.googleapis.com%2Factivity",
               "timestamp":"2024-05-01T10:00:00.123456789Z","receiveTimestamp":"2024-05-01T10:00:01.5Z",
               "resource":{"type":"audited_resource","labels":{"project_id":"proj-1","service":"x"}},
               "protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",
                 "serviceName":"compute.googleapis.com","methodName":"v1.compute.instances.insert",
                 "authenticationInfo":{"principalEmail":"alice@example.com"},
                 "requestMetadata":{"callerIp":"203.0.113.7","callerSuppliedUserAgent":"gcloud/1.0"},
                 "resourceName":"projects/proj-1/zones/europe-west1-b/instances/vm-1"}}
              """);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode labels(ObjectNode entry) {
    return (ObjectNode) entry.get("resource").get("labels");
  }

  private static ObjectNode payload(ObjectNode entry) {
    return (ObjectNode) entry.get("protoPayload");
  }

  private static AuditEvent parse(ObjectNode record) {
    return PARSER.parse(SourceRecord.of(record, record.toString(), "test:1"));
  }

  private static AuditEvent parse(GcpAuditParser parser, ObjectNode record) {
    return parser.parse(SourceRecord.of(record, record.toString(), "test:1"));
  }

  private static RecordRejectedException rejected(ObjectNode record) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> parse(record));
    assertThat(thrown).isInstanceOf(RecordRejectedException.class);
    return (RecordRejectedException) thrown;
  }

  private static ObjectNode withMethod(String serviceName, String methodName) {
    ObjectNode entry = entry();
    payload(entry).put("serviceName", serviceName).put("methodName", methodName);
    return entry;
  }

  @Test
  void completeEntry() {
    AuditEvent event = parse(entry());
    assertThat(event.getEventId()).isEqualTo("abc123");
    assertThat(event.getTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
    assertThat(event.getCategory()).as("a new instance").isEqualTo(Category.SYSTEM);
    assertThat(event.getAction()).isEqualTo("create");
    assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
    assertThat(event.getActor().getRoot()).isFalse();
    assertThat(event.getTarget().getRegion()).isNull();
    assertThat(event.getOrigin()).isEqualTo("test:1");
  }

  @ParameterizedTest
  @CsvSource({
    "2024-05-01T10:00:00.1Z, 2024-05-01T10:00:00.100Z",
    "2024-05-01T10:00:00.123Z, 2024-05-01T10:00:00.123Z",
    "2024-05-01T10:00:00.974750Z, 2024-05-01T10:00:00.974Z",
    "2024-05-01T10:00:00.174555198Z, 2024-05-01T10:00:00.174Z",
    "2024-05-01T10:00:00.94822935Z, 2024-05-01T10:00:00.948Z",
    "2024-05-01T10:00:00Z, 2024-05-01T10:00:00Z",
    "2024-01-19 13:47:18.279921000, 2024-01-19T13:47:18.279Z",
    "2020-08-05T14:59:27.259-07:00, 2020-08-05T21:59:27.259Z"
  })
  void timestampsOfEveryPrecision(String timestamp, String expected) {
    ObjectNode entry = entry();
    entry.put("timestamp", timestamp);
    assertThat(parse(entry).getTime()).isEqualTo(Instant.parse(expected));
  }

  @Test
  void protobufTimestampObject() {
    ObjectNode entry = entry();
    entry.putObject("timestamp").put("seconds", 1714557600L).put("nanos", 987654321);
    assertThat(parse(entry).getTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00.987Z"));

    entry.putObject("timestamp").put("seconds", "99999999999999");
    assertThat(rejected(entry).reason()).isEqualTo(DeadLetterReason.INVALID_TIME);
  }

  @Test
  void receiveTimestampWhenTimestampIsAbsent() {
    ObjectNode entry = entry();
    entry.remove("timestamp");
    assertThat(parse(entry).getTime()).isEqualTo(Instant.parse("2024-05-01T10:00:01.500Z"));
    entry.putNull("timestamp");
    assertThat(parse(entry).getTime()).isEqualTo(Instant.parse("2024-05-01T10:00:01.500Z"));
  }

  @Test
  void aBrokenTimestampIsRefusedNotReplaced() {
    ObjectNode entry = entry();
    entry.put("timestamp", "...");
    RecordRejectedException rejected = rejected(entry);
    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.INVALID_TIME);
    assertThat(rejected.getMessage()).contains("timestamp");

    entry.put("timestamp", 1714557600);
    assertThat(rejected(entry).reason()).isEqualTo(DeadLetterReason.INVALID_TIME);
  }

  @Test
  void noTimeAtAllNamesWhatTheExcerptLacks() {
    ObjectNode entry = entry();
    entry.remove(List.of("timestamp", "receiveTimestamp", "logName", "insertId"));
    RecordRejectedException rejected = rejected(entry);
    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.MISSING_TIME);
    assertThat(rejected.getMessage())
        .contains("neither timestamp nor receiveTimestamp")
        .contains("logName, insertId")
        .contains("trimmed excerpt");
  }

  @Test
  void payloadTypeUnderEitherNameOrNone() {
    for (String key : List.of("@type", "at_sign_type", "at_type")) {
      ObjectNode entry = entry();
      payload(entry).remove("@type");
      payload(entry).put(key, "type.googleapis.com/google.cloud.audit.AuditLog");
      assertThat(parse(entry).getOperation()).as(key).isEqualTo("v1.compute.instances.insert");
    }
    ObjectNode untyped = entry();
    payload(untyped).remove("@type");
    assertThat(parse(untyped).getOperation()).isEqualTo("v1.compute.instances.insert");
  }

  @Test
  void otherPayloadsAreNotAuditEvents() {
    ObjectNode requestLog = entry();
    payload(requestLog).put("@type", "type.googleapis.com/google.appengine.logging.v1.RequestLog");
    RecordRejectedException rejected = rejected(requestLog);
    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.NOT_AN_AUDIT_EVENT);
    assertThat(rejected.getMessage()).contains("RequestLog");

    ObjectNode jsonPayload = entry();
    jsonPayload.remove("protoPayload");
    jsonPayload.putObject("jsonPayload").put("message", "hello");
    assertThat(rejected(jsonPayload).reason()).isEqualTo(DeadLetterReason.NOT_AN_AUDIT_EVENT);
  }

  @Test
  void wrongTypesAndMissingMethod() {
    ObjectNode stringPayload = entry();
    stringPayload.put("protoPayload", "...");
    assertThat(rejected(stringPayload).reason()).isEqualTo(DeadLetterReason.WRONG_TYPE);

    ObjectNode objectMethod = entry();
    payload(objectMethod).putObject("methodName").put("name", "x");
    assertThat(rejected(objectMethod).reason()).isEqualTo(DeadLetterReason.WRONG_TYPE);

    ObjectNode noMethod = entry();
    payload(noMethod).remove("methodName");
    RecordRejectedException rejected = rejected(noMethod);
    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
    assertThat(rejected.getMessage()).contains("protoPayload.methodName");
  }

  @Test
  void fragmentsAreClaimedAndRefusedWithWhatIsMissing() throws IOException {
    ObjectNode fragment =
        (ObjectNode)
            JSON.readTree(
                "{\"serviceData\":{\"policyDelta\":{\"bindingDeltas\":[{\"action\":\"ADD\"}]}}}");
    assertThat(PARSER.recognize(SourceRecord.of(fragment))).isPositive();
    RecordRejectedException rejected = rejected(fragment);
    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
    assertThat(rejected.getMessage()).contains("protoPayload is absent").contains("logName");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    // what records, keeps or watches activity: AUDIT_CONFIG, as on AWS and Azure
    "monitoring.googleapis.com, google.monitoring.v3.AlertPolicyService.DeleteAlertPolicy, activity, AUDIT_CONFIG, delete",
    "monitoring.googleapis.com, google.monitoring.v3.NotificationChannelService.UpdateNotificationChannel, activity, AUDIT_CONFIG, update",
    "logging.googleapis.com, google.logging.v2.MetricsServiceV2.DeleteLogMetric, activity, AUDIT_CONFIG, delete",
    "securitycenter.googleapis.com, google.cloud.securitycenter.v1.SecurityCenter.SetMute, activity, AUDIT_CONFIG, update",
    "securitycenter.googleapis.com, google.cloud.securitycenter.v1.SecurityCenter.BulkMute, activity, AUDIT_CONFIG, update",
    "securitycenter.googleapis.com, google.cloud.securitycenter.v2.SecurityCenter.BulkMute, activity, AUDIT_CONFIG, update",
    "securitycenter.googleapis.com, google.cloud.securitycenter.v1.SecurityCenter.CreateMuteConfig, activity, AUDIT_CONFIG, create",
    "securitycenter.googleapis.com, google.cloud.securitycenter.v1.SecurityCenter.UpdateNotificationConfig, activity, AUDIT_CONFIG, update",
    "securitycenter.googleapis.com, google.cloud.securitycenter.v1.SecurityCenter.GetMuteConfig, data_access, OTHER, read",
    "monitoring.googleapis.com, google.monitoring.v3.AlertPolicyService.ListAlertPolicies, data_access, OTHER, list",
    // a change to the project's infrastructure: SYSTEM, as on AWS and Azure
    "compute.googleapis.com, v1.compute.instances.start, activity, SYSTEM, enable",
    "compute.googleapis.com, v1.compute.instances.reset, activity, SYSTEM, update",
    "container.googleapis.com, google.container.v1.ClusterManager.CreateCluster, activity, SYSTEM, create",
    "sqladmin.googleapis.com, cloudsql.instances.delete, activity, SYSTEM, delete",
    // user data, reads, the Kubernetes API: OTHER
    "firestore.googleapis.com, google.firestore.v1.Firestore.UpdateDocument, data_access, OTHER, update",
    "storage.googleapis.com, storage.objects.delete, data_access, OTHER, delete",
    "bigquery.googleapis.com, google.cloud.bigquery.v2.JobService.InsertJob, activity, OTHER, create",
    "k8s.io, io.k8s.apps.v1.deployments.patch, activity, OTHER, update",
    "compute.googleapis.com, v1.compute.instances.get, data_access, OTHER, read",
  })
  void oneCategoryMeaningForMethods(
      String service, String method, String logType, Category category, String action) {
    ObjectNode entry = withMethod(service, method);
    entry.put("logName", "projects/proj-1/logs/cloudaudit.googleapis.com%2F" + logType);
    AuditEvent event = parse(entry);
    assertThat(event.getCategory()).as("category").isEqualTo(category);
    assertThat(event.getAction()).as("action").isEqualTo(action);
  }

  @Test
  void googlesOwnChangeIsSystemByAService() {
    // A Compute Engine preemption, as Google logs it in the system_event log.
    ObjectNode entry = withMethod("compute.googleapis.com", "compute.instances.preempted");
    entry.put("logName", "projects/proj-1/logs/cloudaudit.googleapis.com%2Fsystem_event");
    ((ObjectNode) payload(entry).get("authenticationInfo"))
        .put("principalEmail", "system@google.com");
    payload(entry).remove("requestMetadata");
    AuditEvent event = parse(entry);
    assertThat(event.getCategory()).isEqualTo(Category.SYSTEM);
    assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
    assertThat(event.getActor().getName()).isEqualTo("system@google.com");
  }

  @ParameterizedTest
  @CsvSource({
    "cloudaudit.googleapis.com%2Factivity, SYSTEM, false",
    "cloudaudit.googleapis.com%2Fdata_access, OTHER, false",
    "cloudaudit.googleapis.com%2fsystem_event, SYSTEM, false",
    "cloudaudit.googleapis.com%2Fpolicy, SYSTEM, true",
    "cloudaudit.googleapis.com/activity, SYSTEM, false"
  })
  void logTypeFromTheEncodedLogName(String logId, Category category, boolean denied) {
    ObjectNode entry = entry();
    entry.put("logName", "projects/proj-2/logs/" + logId);
    labels(entry).remove("project_id");
    AuditEvent event = parse(entry);
    assertThat(event.getCategory()).isEqualTo(category);
    assertThat(event.getDenied()).isEqualTo(denied);
    assertThat(event.getTarget().getAccount()).isEqualTo("proj-2");
  }

  @ParameterizedTest
  @CsvSource({
    "organizations/123/logs/cloudaudit.googleapis.com%2Factivity, organizations/123",
    "folders/456/logs/cloudaudit.googleapis.com%2Factivity, folders/456",
    "billingAccounts/A-B/logs/cloudaudit.googleapis.com%2Factivity, billingAccounts/A-B",
    "projects/project, project"
  })
  void accountFromTheLogNameWhenTheResourceHasNoProject(String logName, String account) {
    ObjectNode entry = entry();
    entry.put("logName", logName);
    labels(entry).remove("project_id");
    assertThat(parse(entry).getTarget().getAccount()).isEqualTo(account);
  }

  @Test
  void statusVariants() throws IOException {
    ObjectNode entry = entry();
    for (String status : List.of("{}", "{\"code\":0}", "{\"message\":\"OK\"}")) {
      payload(entry).set("status", JSON.readTree(status));
      AuditEvent event = parse(entry);
      assertThat(event.getOutcome()).as(status).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getErrorCode()).as(status).isNull();
      assertThat(event.getErrorMessage()).as(status).isNull();
      assertThat(event.getDenied()).as(status).isFalse();
    }
    for (String status :
        List.of("{\"code\":7}", "{\"code\":\"7\"}", "{\"code\":\"PERMISSION_DENIED\"}")) {
      payload(entry).set("status", JSON.readTree(status));
      AuditEvent event = parse(entry);
      assertThat(event.getOutcome()).as(status).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).as(status).isTrue();
      assertThat(event.getErrorCode()).as(status).isEqualTo("PERMISSION_DENIED");
    }
    payload(entry).set("status", JSON.readTree("{\"code\":16,\"message\":\"no credentials\"}"));
    AuditEvent unauthenticated = parse(entry);
    assertThat(unauthenticated.getErrorCode()).isEqualTo("UNAUTHENTICATED");
    assertThat(unauthenticated.getErrorMessage()).isEqualTo("no credentials");
    assertThat(unauthenticated.getDenied()).isFalse();
    payload(entry).set("status", JSON.readTree("{\"code\":42}"));
    assertThat(parse(entry).getErrorCode()).isEqualTo("42");
  }

  @Test
  void aRefusedCheckWithoutAStatusCodeIsAPermissionDeniedFailure() throws IOException {
    ObjectNode entry = entry();
    payload(entry)
        .set(
            "authorizationInfo",
            JSON.readTree(
                "[{\"granted\":true,\"permission\":\"a.get\"},"
                    + "{\"granted\":false,\"permission\":\"a.list\"}]"));
    for (String status : List.of("null", "{}", "{\"message\":\"\"}")) {
      payload(entry).set("status", JSON.readTree(status));
      AuditEvent event = parse(entry);
      assertThat(event.getDenied()).as(status).isTrue();
      assertThat(event.getOutcome()).as(status).isEqualTo(Outcome.FAILURE);
      assertThat(event.getErrorCode()).as(status).isEqualTo("PERMISSION_DENIED");
      assertThat(event.getErrorMessage()).as(status).isEqualTo("permission 'a.list' not granted");
    }
    payload(entry).remove("status");
    assertThat(parse(entry).getOutcome()).isEqualTo(Outcome.FAILURE);
  }

  @Test
  void anExplicitStatusCodeIsKeptBesideARefusedCheck() throws IOException {
    ObjectNode entry = entry();
    payload(entry)
        .set("authorizationInfo", JSON.readTree("[{\"granted\":false,\"permission\":\"p\"}]"));
    payload(entry).set("status", JSON.readTree("{\"code\":0}"));
    AuditEvent ok = parse(entry);
    assertThat(ok.getOutcome()).as("the service said OK").isEqualTo(Outcome.SUCCESS);
    assertThat(ok.getDenied()).isTrue();
    assertThat(ok.getErrorCode()).isNull();
    payload(entry).set("status", JSON.readTree("{\"code\":5,\"message\":\"gone\"}"));
    AuditEvent notFound = parse(entry);
    assertThat(notFound.getErrorCode()).isEqualTo("NOT_FOUND");
    assertThat(notFound.getErrorMessage()).isEqualTo("gone");
    payload(entry).set("status", JSON.readTree("{\"code\":7,\"message\":\"no\"}"));
    assertThat(parse(entry).getErrorMessage()).as("the service's own message").isEqualTo("no");
  }

  @Test
  void aRefusalNamesAtMostThreePermissions() throws IOException {
    ObjectNode entry = entry();
    payload(entry)
        .set(
            "authorizationInfo",
            JSON.readTree(
                "[{\"granted\":false,\"permission\":\"a\"},{\"granted\":false,\"permission\":\"a\"},"
                    + "{\"granted\":false,\"permission\":\"b\"}]"));
    assertThat(parse(entry).getErrorMessage()).isEqualTo("permissions 'a', 'b' not granted");
    payload(entry)
        .set(
            "authorizationInfo",
            JSON.readTree(
                "[{\"granted\":false,\"permission\":\"a\"},{\"granted\":false,\"permission\":\"b\"},"
                    + "{\"granted\":false,\"permission\":\"c\"},{\"granted\":false,\"permission\":\"d\"}]"));
    assertThat(parse(entry).getErrorMessage())
        .isEqualTo("permissions 'a', 'b', 'c' and more not granted");
    payload(entry).set("authorizationInfo", JSON.readTree("[{\"granted\":false}]"));
    assertThat(parse(entry).getErrorMessage()).isEqualTo("permission not granted");
  }

  @Test
  void aPolicyDeniedEntryWithoutStatusIsAFailure() {
    ObjectNode entry = entry();
    entry.put("logName", "projects/p/logs/cloudaudit.googleapis.com%2Fpolicy");
    payload(entry).remove("status");
    AuditEvent event = parse(entry);
    assertThat(event.getDenied()).isTrue();
    assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
    assertThat(event.getErrorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(event.getErrorMessage()).isNull();
  }

  @Test
  void grantedFalseAsStringIsADenial() throws IOException {
    ObjectNode entry = entry();
    payload(entry)
        .set(
            "authorizationInfo",
            JSON.readTree("[{\"granted\":true},{\"granted\":\"false\",\"permission\":\"p\"}]"));
    assertThat(parse(entry).getDenied()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "secretmanager.googleapis.com, google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion, SECRET_ACCESS, read, 6003",
    "secretmanager.googleapis.com, google.cloud.secretmanager.v1.SecretManagerService.ListSecrets, SECRET_ACCESS, list, 6003",
    "secretmanager.googleapis.com, google.cloud.secretmanager.v1.SecretManagerService.ListSecretVersions, SECRET_ACCESS, list, 6003",
    "secretmanager.googleapis.com, google.cloud.secretmanager.v1.SecretManagerService.GetSecret, OTHER, read, 6003",
    "secretmanager.googleapis.com, google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion, SECRET_ACCESS, create, 6003",
    "secretmanager.googleapis.com, google.cloud.secretmanager.v1.SecretManagerService.SetIamPolicy, POLICY_CHANGE, update, 3008",
    "cloudkms.googleapis.com, Decrypt, KEY_MANAGEMENT, decrypt, 6003",
    "cloudkms.googleapis.com, AsymmetricSign, KEY_MANAGEMENT, sign, 6003",
    "cloudkms.googleapis.com, CreateCryptoKey, KEY_MANAGEMENT, create, 6003",
    "iamcredentials.googleapis.com, GenerateAccessToken, AUTHENTICATION, assume_role, 3002",
    "iamcredentials.googleapis.com, SignBlob, AUTHENTICATION, sign, 3002",
    "sts.googleapis.com, google.identity.sts.v1.SecurityTokenService.ExchangeToken, AUTHENTICATION, assume_role, 3002",
    "iam.googleapis.com, google.iam.admin.v1.DeleteServiceAccountKey, IDENTITY_MANAGEMENT, delete, 3007",
    "iam.googleapis.com, google.iam.admin.v1.DisableServiceAccount, IDENTITY_MANAGEMENT, disable, 3007",
    "logging.googleapis.com, google.logging.v2.ConfigServiceV2.CreateExclusion, AUDIT_CONFIG, create, 6003",
    "logging.googleapis.com, google.logging.v2.LoggingServiceV2.DeleteLog, AUDIT_CONFIG, delete, 6003",
    "logging.googleapis.com, google.logging.v2.ConfigServiceV2.ListSinks, OTHER, list, 6003",
    // a saved Logs Explorer query is no audit configuration: deleting one stops no log
    "logging.googleapis.com, google.logging.v2.ConfigServiceV2.DeleteSavedQuery, SYSTEM, delete, 6003",
    "logging.googleapis.com, google.logging.v2.ConfigServiceV2.CreateSavedQuery, SYSTEM, create, 6003",
    "logging.googleapis.com, google.logging.v2.ConfigServiceV2.UpdateSavedQuery, SYSTEM, update, 6003",
    "logging.googleapis.com, google.logging.v2.ConfigServiceV2.DeleteSink, AUDIT_CONFIG, delete, 6003",
    "orgpolicy.googleapis.com, google.cloud.orgpolicy.v2.OrgPolicy.DeletePolicy, POLICY_CHANGE, delete, 6003",
    "k8s.io, io.k8s.authorization.rbac.v1.clusterrolebindings.create, POLICY_CHANGE, create, 3008",
    "k8s.io, io.k8s.core.v1.secrets.get, SECRET_ACCESS, read, 6003",
    "k8s.io, io.k8s.core.v1.pods.deletecollection, OTHER, delete, 6003",
    "storage.googleapis.com, storage.objects.get, OTHER, read, 6003"
  })
  void categoriesFromTheMappingTable(
      String serviceName, String methodName, Category category, String action, int ocsf) {
    AuditEvent event = parse(withMethod(serviceName, methodName));
    assertThat(event.getCategory()).isEqualTo(category);
    assertThat(event.getAction()).isEqualTo(action);
    assertThat(event.getOcsfClassUid()).isEqualTo(ocsf);
    assertThat(event.getOperation()).isEqualTo(methodName);
  }

  @Test
  void turningAuditConfigsOffIsAuditConfig() throws IOException {
    ObjectNode entry = withMethod("cloudresourcemanager.googleapis.com", "SetIamPolicy");
    payload(entry)
        .set(
            "serviceData",
            JSON.readTree(
                """
                {"@type":"type.googleapis.com/google.iam.v1.logging.AuditData",
                 "policyDelta":{"auditConfigDeltas":[{"action":"REMOVE","service":"allServices",
                   "logType":"DATA_READ"}]}}
                """));
    AuditEvent event = parse(entry);
    assertThat(event.getCategory()).isEqualTo(Category.AUDIT_CONFIG);
    assertThat(event.getAction()).isEqualTo("update");
  }

  @Test
  void workloadIdentityAndWorkforceCallers() throws IOException {
    ObjectNode workload = entry();
    payload(workload)
        .set(
            "authenticationInfo",
            JSON.readTree(
                "{\"principalSubject\":\"principal://iam.googleapis.com/projects/1/locations/global/"
                    + "workloadIdentityPools/gh/subject/repo:org/app\"}"));
    AuditEvent workloadEvent = parse(workload);
    assertThat(workloadEvent.getActor().getId()).endsWith("subject/repo:org/app");
    assertThat(workloadEvent.getActor().getName()).isEqualTo(workloadEvent.getActor().getId());
    assertThat(workloadEvent.getActor().getType()).isEqualTo(ActorType.SERVICE);
    assertThat(workloadEvent.getActor().getAuthMethod()).isEqualTo("workload_identity_federation");

    ObjectNode workforce = entry();
    payload(workforce)
        .set(
            "authenticationInfo",
            JSON.readTree(
                "{\"principalSubject\":\"principal://iam.googleapis.com/locations/global/"
                    + "workforcePools/staff/subject/bob\"}"));
    AuditEvent workforceEvent = parse(workforce);
    assertThat(workforceEvent.getActor().getType()).isEqualTo(ActorType.USER);
    assertThat(workforceEvent.getActor().getAuthMethod())
        .isEqualTo("workforce_identity_federation");
  }

  @Test
  void delegationAndAuthoritySelector() throws IOException {
    ObjectNode entry = entry();
    payload(entry)
        .set(
            "authenticationInfo",
            JSON.readTree(
                """
                {"principalEmail":"deployer@proj-1.iam.gserviceaccount.com",
                 "authoritySelector":"organizations/123",
                 "serviceAccountDelegationInfo":[
                   {"firstPartyPrincipal":{"principalEmail":"carol@example.com"}}]}
                """));
    AuditEvent event = parse(entry);
    assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
    assertThat(event.getActor().getSession()).isEqualTo("carol@example.com");
    assertThat(event.getActor().getAuthMethod()).isEqualTo("organizations/123");
  }

  @ParameterizedTest
  @CsvSource({
    "alice@example.com, USER",
    "sa@proj.iam.gserviceaccount.com, SERVICE",
    "service-1-gs-project-accounts.iam.gserviceaccount.com, SERVICE",
    "serviceAccount:sa@proj.iam.gserviceaccount.com, SERVICE",
    "system:serviceaccount:kube-system:default, SERVICE",
    "system:kube-scheduler, SERVICE",
    "system@google.com, SERVICE",
    "allUsers, ANONYMOUS",
    "system:anonymous, ANONYMOUS",
    "user:bob@example.com, USER",
    "example_principal_subject, UNKNOWN"
  })
  void actorTypes(String principal, ActorType type) {
    assertThat(GcpAuditParser.actorType(principal)).isEqualTo(type);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "ci@example.com, serviceAccount:ci@example.com, -, SERVICE",
        "ci@example.com, -, //iam.googleapis.com/projects/p/serviceAccounts/ci@example.com/keys/k,"
            + " SERVICE",
        "alice@example.com, user:alice@example.com, -, USER",
        "alice@example.com, -, -, USER",
        "sa@p.iam.gserviceaccount.com, example_principal_subject, -, SERVICE",
        "system:anonymous, -, k, ANONYMOUS",
        "-, -, k, UNKNOWN"
      })
  void actorTypeFromSubjectAndKey(String email, String subject, String key, ActorType type) {
    String principal = email != null ? email : subject;
    assertThat(GcpAuditParser.actorType(principal, subject, key)).isEqualTo(type);
  }

  @Test
  void noPrincipalIsUnknownNotAnonymous() {
    ObjectNode entry = entry();
    payload(entry).putObject("authenticationInfo");
    AuditEvent event = parse(entry);
    assertThat(event.getActor().getId()).isNull();
    assertThat(event.getActor().getType()).isEqualTo(ActorType.UNKNOWN);
  }

  @Test
  void superAdminsFromTheConstructorIgnoreCase() {
    GcpAuditParser parser = new GcpAuditParser(Set.of(" Alice@Example.COM ", ""));
    assertThat(parser.superAdmins()).containsExactly("alice@example.com");
    assertThat(parse(parser, entry()).getActor().getRoot()).isTrue();
    assertThat(parse(new GcpAuditParser(Set.of("bob@example.com")), entry()).getActor().getRoot())
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Firefox/71.0,gzip(gfe),gzip(gfe)|Firefox/71.0",
        "Go-http-client/2.0,gzip(gfe)|Go-http-client/2.0",
        "kubectl/v1.20.2|kubectl/v1.20.2",
        ",gzip(gfe)|"
      })
  void userAgentWithoutFrontEndMarks(String supplied, String expected) {
    assertThat(GcpAuditParser.userAgent(supplied)).isEqualTo(expected);
  }

  @Test
  void callerIpSpellingsAndPlaceholders() {
    ObjectNode entry = entry();
    ObjectNode metadata = (ObjectNode) payload(entry).get("requestMetadata");
    metadata.remove("callerIp");
    metadata.put("callerIP", "198.51.100.4");
    assertThat(parse(entry).getSrc().getIp()).isEqualTo("198.51.100.4");
    for (String placeholder : List.of("gce-internal-ip", "private", "(calling IP)")) {
      metadata.put("callerIp", placeholder);
      assertThat(parse(entry).getSrc().getIp()).as(placeholder).isNull();
    }
  }

  @Test
  void targetFallbacksAndRegion() throws IOException {
    ObjectNode entry = entry();
    payload(entry).remove("resourceName");
    payload(entry)
        .set(
            "authorizationInfo",
            JSON.readTree("[{\"granted\":true,\"resource\":\"projects/proj-1/secrets/s1\"}]"));
    payload(entry)
        .set("resourceLocation", JSON.readTree("{\"currentLocations\":[\"europe-west1\"]}"));
    AuditEvent event = parse(entry);
    assertThat(event.getTarget().getResource()).isEqualTo("projects/proj-1/secrets/s1");
    assertThat(event.getTarget().getRegion()).isEqualTo("europe-west1");

    payload(entry).remove(List.of("authorizationInfo", "resourceLocation", "serviceName"));
    labels(entry).put("zone", "us-east1-b");
    event = parse(entry);
    assertThat(event.getTarget().getResource()).isEqualTo("projects/proj-1");
    assertThat(event.getTarget().getRegion()).isEqualTo("us-east1-b");
    assertThat(event.getTarget().getType()).isEqualTo("audited_resource");
  }

  @Test
  void idFromTheRecordHashOrPantherInsertid() {
    ObjectNode entry = entry();
    entry.remove("insertId");
    String first = parse(entry).getEventId();
    assertThat(parse(entry).getEventId()).isEqualTo(first).startsWith("sha256:");
    entry.put("insertid", "lower-1");
    assertThat(parse(entry).getEventId()).isEqualTo("lower-1");
  }

  @Test
  void largeBodiesAreNotRead() {
    ObjectNode entry = entry();
    ObjectNode request = payload(entry).putObject("request");
    for (int i = 0; i < 10_000; i++) {
      request
          .putObject("k:{\"name\":\"POD_" + i + "\"}")
          .put("value", "{\"json\":\"in a string\"}");
    }
    AuditEvent event = parse(entry);
    assertThat(event.getOperation()).isEqualTo("v1.compute.instances.insert");
    assertThat(event.getRaw()).contains("POD_9999");
  }

  @Test
  void userMappingsOverrideTheBuiltInTable() throws IOException {
    String yaml =
        """
        rules:
          - match: {serviceName: compute.googleapis.com, methodName: "*.instances.insert"}
            category: SYSTEM
            action: create
        """;
    MappingTable table = MappingTable.withOverride(GcpAuditParser.TABLE, "t", yaml);
    AuditEvent event = parse(new GcpAuditParser(Set.of(), table), entry());
    assertThat(event.getCategory()).isEqualTo(Category.SYSTEM);
    assertThat(event.getOcsfClassUid()).isEqualTo(6003);
  }

  // ---- recognition -------------------------------------------------------------------------

  @Test
  void recognizesGcpEntries() {
    assertThat(PARSER.recognize(SourceRecord.of(entry()))).isEqualTo(100);
    ObjectNode untyped = entry();
    payload(untyped).remove("@type");
    assertThat(PARSER.recognize(SourceRecord.of(untyped))).isPositive();
    ObjectNode logEntry = entry();
    logEntry.remove("protoPayload");
    assertThat(PARSER.recognize(SourceRecord.of(logEntry))).isPositive();
    logEntry.remove("logName");
    assertThat(PARSER.recognize(SourceRecord.of(logEntry))).isPositive();
    assertThat(PARSER.recognize(SourceRecord.of(JSON.createObjectNode().put("hello", "world"))))
        .isZero();
  }

  @Test
  void everyRecordOfTheOtherSourcesIsNotMine() throws IOException {
    for (String folder : List.of("vault", "cloudtrail", "azure")) {
      int seen = 0;
      for (Path file : CorpusRun.files(folder)) {
        for (ObjectNode record : CorpusRun.recordObjects(file)) {
          seen++;
          assertThat(PARSER.recognize(SourceRecord.of(record)))
              .as(folder + "/" + file.getFileName() + ": " + record.size() + " keys")
              .isZero();
        }
      }
      assertThat(seen).as("records in " + folder).isPositive();
    }
  }

  @Test
  void throughTheNormalizerWithDetection() {
    Normalizer normalizer = Normalizer.builder().parser(PARSER).build();
    CorpusRun.Outcome outcome = CorpusRun.normalizeText(entry().toString(), normalizer);
    assertThat(outcome.events()).hasSize(1);
    assertThatThrownBy(() -> PARSER.parse(SourceRecord.of(JSON.createObjectNode(), "{}", "test:1")))
        .isInstanceOf(RecordRejectedException.class);
  }
}
