package dev.vigil.ingest.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.vigil.ingest.io.RecordSplitter;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.ingest.spi.SourceRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloudTrailParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Normalizer NORMALIZER =
      Normalizer.builder().parser(new CloudTrailParser()).build();
  private static final Map<String, CorpusRun.Outcome> CORPUS = new HashMap<>();

  /** The event of a corpus file (relative to corpus/cloudtrail) with the given origin. */
  private static AuditEvent corpusEvent(String file, String origin) {
    CorpusRun.Outcome outcome =
        CORPUS.computeIfAbsent(
            file, f -> CorpusRun.normalize(CorpusRun.file("cloudtrail/" + f), NORMALIZER));
    String fileName = Path.of(file).getFileName().toString();
    return outcome.events().stream()
        .filter(event -> event.getOrigin().equals(fileName + ":" + origin))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event at " + fileName + ":" + origin));
  }

  private static AuditEvent parse(String json) {
    CorpusRun.Outcome outcome = CorpusRun.normalizeText(json, NORMALIZER);
    assertThat(outcome.deadLetters()).as("dead letters").isEmpty();
    assertThat(outcome.events()).hasSize(1);
    return outcome.events().get(0);
  }

  private static DeadLetter reject(String json) {
    CorpusRun.Outcome outcome = CorpusRun.normalizeText(json, NORMALIZER);
    assertThat(outcome.events()).as("events").isEmpty();
    assertThat(outcome.deadLetters()).hasSize(1);
    DeadLetter deadLetter = outcome.deadLetters().get(0);
    assertThat(deadLetter.getSourceGuess()).isEqualTo(Source.AWS_CLOUDTRAIL);
    return deadLetter;
  }

  /** A minimal well-formed API call with the given extra top-level members. */
  private static String call(String eventSource, String eventName, String extra) {
    return "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T10:00:00Z\","
        + "\"eventSource\":\""
        + eventSource
        + "\",\"eventName\":\""
        + eventName
        + "\",\"awsRegion\":\"eu-west-1\",\"eventID\":\"id-1\",\"recipientAccountId\":\"111122223333\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  private static String identity(String json) {
    return "\"userIdentity\":" + json;
  }

  @Nested
  class Golden {

    @Test
    void rootConsoleLogin() {
      AuditEvent event = corpusEvent("awsdocs_console-sign-in-events_examples.json", "142");
      assertThat(event.getSource()).isEqualTo(Source.AWS_CLOUDTRAIL);
      assertThat(event.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(event.getAction()).isEqualTo("login");
      assertThat(event.getOperation()).isEqualTo("ConsoleLogin");
      assertThat(event.getOcsfClassUid()).isEqualTo(3002);
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getActor().getRoot()).isTrue();
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROOT);
      assertThat(event.getActor().getId()).isEqualTo("arn:aws:iam::111122223333:root");
      assertThat(event.getActor().getName()).isEqualTo("root");
      assertThat(event.getActor().getMfa()).isFalse();
      assertThat(event.getActor().getAuthMethod()).isEqualTo("Root");
      assertThat(event.getActor().getPolicies()).isEmpty();
      assertThat(event.getEventId()).isEqualTo("deb1e1f9-c99b-4612-8e9f-21f93b5d79c0");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2022-11-10T16:24:34Z"));
      assertThat(event.getTarget().getResource()).isEqualTo("signin.amazonaws.com");
      assertThat(event.getTarget().getAccount()).isEqualTo("111122223333");
    }

    @Test
    void rootConsoleLoginFailureIsAFailureButNotADenial() {
      AuditEvent event = corpusEvent("awsdocs_console-sign-in-events_examples.json", "199");
      assertThat(event.getEventId()).isEqualTo("a4fbbe77-91a0-4238-804a-64314184edb6");
      assertThat(event.getActor().getRoot()).isTrue();
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getErrorCode()).isNull();
      assertThat(event.getErrorMessage()).isEqualTo("Failed authentication");
    }

    @Test
    void oneIamUserHasOneIdAcrossSignInSuccessFailureAndMfaCheck() {
      // AWS's own examples: the failed ConsoleLogin and both CheckMfa records carry no arn.
      CorpusRun.Outcome outcome =
          CORPUS.computeIfAbsent(
              "awsdocs_console-sign-in-events_examples.json",
              f -> CorpusRun.normalize(CorpusRun.file("cloudtrail/" + f), NORMALIZER));
      List<AuditEvent> anaya =
          outcome.events().stream()
              .filter(event -> "anaya".equals(event.getActor().getName()))
              .toList();
      assertThat(anaya)
          .extracting(AuditEvent::getOperation, AuditEvent::getOutcome)
          .containsExactlyInAnyOrder(
              tuple("ConsoleLogin", Outcome.SUCCESS),
              tuple("ConsoleLogin", Outcome.SUCCESS),
              tuple("ConsoleLogin", Outcome.FAILURE),
              tuple("CheckMfa", Outcome.SUCCESS),
              tuple("CheckMfa", Outcome.SUCCESS));
      assertThat(anaya)
          .extracting(event -> event.getActor().getId())
          .containsOnly("arn:aws:iam::111122223333:user/anaya");
      List<AuditEvent> root =
          outcome.events().stream().filter(event -> event.getActor().getRoot()).toList();
      assertThat(root).hasSize(5);
      assertThat(root)
          .extracting(event -> event.getActor().getId())
          .containsOnly("arn:aws:iam::111122223333:root");
    }

    @Test
    void iamUserLoginFailureFromErrorMessageOnly() {
      AuditEvent event = corpusEvent("elastic_aws_cloudtrail_test-console-login-json.log", "2");
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getName()).isEqualTo("JaneDoe");
      assertThat(event.getActor().getRoot()).isFalse();
      assertThat(event.getEventId()).isEqualTo("11ea990b-4678-4bcd-8fbe-625EXAMPLE");
    }

    @Test
    void s3DataEventsTargetTheObjectWhateverOrderResourcesListIt() {
      // resources: [object, bucket] (OTRF, a real capture)
      AuditEvent objectFirst =
          corpusEvent("otrf_ec2_proxy_s3_exfiltration_2020-09-14011940.json", "80");
      assertThat(objectFirst.getTarget().getResource())
          .isEqualTo("arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/ring.txt");
      // resources: [bucket, object]
      AuditEvent bucketFirst = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "354");
      assertThat(bucketFirst.getOperation()).isEqualTo("PutObject");
      assertThat(bucketFirst.getTarget().getResource())
          .isEqualTo(
              "arn:aws:s3:::sample-bucket-hungry-buck/documents/financial/HOW_TO_DECRYPT_FILES.txt");
    }

    @Test
    void copyObjectTargetsTheObjectTheRequestNames() {
      AuditEvent event =
          parse(
              """
              {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z",
               "eventSource":"s3.amazonaws.com","eventName":"CopyObject","awsRegion":"us-east-1",
               "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"},
               "requestParameters":{"bucketName":"dst","key":"k.csv",
                                    "x-amz-copy-source":"src/k.csv"},
               "resources":[
                 {"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::src"},
                 {"type":"AWS::S3::Object","ARN":"arn:aws:s3:::src/k.csv"},
                 {"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::dst"},
                 {"type":"AWS::S3::Object","ARN":"arn:aws:s3:::dst/k.csv"}],
               "eventID":"e1","recipientAccountId":"111122223333"}
              """);
      assertThat(event.getTarget().getResource()).isEqualTo("arn:aws:s3:::dst/k.csv");
    }

    @Test
    void assumeRoleBySessionTargetsTheRole() {
      AuditEvent event = corpusEvent("elastic_aws_cloudtrail_test-assume-role-json.log", "1");
      assertThat(event.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(event.getAction()).isEqualTo("assume_role");
      assertThat(event.getOcsfClassUid()).isEqualTo(3002);
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROLE_SESSION);
      assertThat(event.getActor().getId())
          .isEqualTo("arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1");
      assertThat(event.getActor().getName()).isEqualTo("JohnDoe/JohnRole1");
      assertThat(event.getTarget().getResource())
          .isEqualTo("arn:aws:iam::111122223333:role/JohnRole2");
      assertThat(event.getTarget().getType()).isEqualTo("sts");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2019-10-02T22:12:29Z"));
    }

    @Test
    void assumeRoleByAwsServiceHasNoSourceIp() {
      AuditEvent event = corpusEvent("otrf_ec2_proxy_s3_exfiltration_2020-09-14011940.json", "40");
      assertThat(event.getOperation()).isEqualTo("AssumeRole");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(event.getActor().getId()).isEqualTo("ec2.amazonaws.com");
      assertThat(event.getSrc().getIp()).isNull();
    }

    @Test
    void getSecretValue() {
      AuditEvent event = corpusEvent("elastic_aws_cloudtrail_test-get-secret-value-json.log", "1");
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getAction()).isEqualTo("read");
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getTarget().getResource())
          .isEqualTo("arn:aws:secretsmanager:us-east-1:000000000:secret:MyTestSecret-nxYStj");
      assertThat(event.getTarget().getType()).isEqualTo("secretsmanager");
      assertThat(event.getEventId()).isEqualTo("f1a49924-6ba3-4340-9d21-bc98f090fc09");
    }

    @Test
    void deniedGetSecretValueWithPantherTime() {
      AuditEvent event = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "377");
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getErrorCode()).isEqualTo("AccessDenied");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2024-10-17T21:48:45Z"));
      assertThat(event.getActor().getName())
          .isEqualTo("AWSReservedSSO_DevAdmin_635426549a280cc6/evil.genius");
    }

    @Test
    void batchGetSecretValueByFilter() {
      AuditEvent event =
          corpusEvent(
              "stratus-red-team/aws.credential-access.secretsmanager-batch-retrieve-secrets.json",
              "1#1");
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getAction()).isEqualTo("read");
      assertThat(event.getTarget().getResource()).isEqualTo("filter:tag-key=StratusRedTeam");
      assertThat(event.getEventId()).isEqualTo("61619dbf-c10b-471e-9d78-8199a2f8233a");
    }

    @Test
    void ssmGetParametersWithDecryptionIsASecretRead() {
      AuditEvent event =
          corpusEvent(
              "stratus-red-team/aws.credential-access.ssm-retrieve-securestring-parameters.json",
              "1#3");
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getAction()).isEqualTo("read");
      assertThat(event.getTarget().getResource())
          .startsWith("/credentials/stratus-red-team/credentials-1,")
          .endsWith(",/credentials/stratus-red-team/credentials-6");
      assertThat(event.getEventId()).isEqualTo("a4663305-e887-42ac-94e6-d04685e59899");
    }

    @Test
    void ssmGetParametersWithoutDecryptionIsNot() {
      AuditEvent event = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "400");
      assertThat(event.getOperation()).isEqualTo("GetParameters");
      assertThat(event.getCategory()).isEqualTo(Category.OTHER);
      assertThat(event.getAction()).isEqualTo("read");
    }

    @Test
    void stopLoggingIsAuditConfig() {
      AuditEvent event =
          corpusEvent("stratus-red-team/aws.defense-evasion.cloudtrail-stop.json", "1#1");
      assertThat(event.getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      assertThat(event.getAction()).isEqualTo("disable");
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getTarget().getResource())
          .isEqualTo("stratus-red-team-ct-stop-trail-buykxbqejv");
      assertThat(event.getEventId()).isEqualTo("10163ed2-2253-469d-a5ee-cbc6651f8934");
    }

    @Test
    void attachUserPolicyWithLeadingZeroIp() {
      AuditEvent event =
          corpusEvent("stratus-red-team/aws.persistence.iam-create-admin-user.json", "1#1");
      assertThat(event.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(event.getOcsfClassUid()).isEqualTo(3008);
      assertThat(event.getAction()).isEqualTo("update");
      assertThat(event.getTarget().getResource()).isEqualTo("user/malicious-iam-user");
      assertThat(event.getSrc().getIp()).isEqualTo("75.50.255.67");
      assertThat(event.getEventId()).isEqualTo("083dc4ad-e264-46bc-a407-d0dd31b58bdc");
    }

    @Test
    void unauthorizedOperationIsDenied() {
      AuditEvent event =
          corpusEvent("stratus-red-team/aws.credential-access.ec2-get-password-data.json", "1#1");
      assertThat(event.getErrorCode()).isEqualTo("Client.UnauthorizedOperation");
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getTarget().getResource()).isEqualTo("i-i2jnm5swa59p4fxg");
      assertThat(event.getEventId()).isEqualTo("450230d4-b39e-4a18-a6a0-d07a6e2105cb");
    }

    @Test
    void vpceDenialByAnotherAccountWithoutEventId() {
      AuditEvent event = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "424");
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROLE_SESSION);
      assertThat(event.getActor().getId()).isEqualTo("AROAEXAMPLE:session-name");
      assertThat(event.getEventId()).isEqualTo(EventIds.ofRaw(event.getRaw()));
    }

    @Test
    void rootCreatingItsOwnAccessKeyTargetsTheRootUser() {
      AuditEvent own = corpusEvent("panther_test_scenarios_cloudtrail.jsonl", "6");
      assertThat(own.getActor().getRoot()).isTrue();
      assertThat(own.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(own.getAction()).isEqualTo("create");
      assertThat(own.getOcsfClassUid()).isEqualTo(3007);
      assertThat(own.getTarget().getResource()).isEqualTo("arn:aws:iam::493859302102:root");
      AuditEvent forUser = corpusEvent("panther_test_scenarios_cloudtrail.jsonl", "11");
      assertThat(forUser.getTarget().getResource()).isEqualTo("user/tracy_stone");
    }

    @Test
    void logstashShippedRecordTakesTimeFromAtTimestamp() {
      AuditEvent event = corpusEvent("otrf_ec2_proxy_s3_exfiltration_2020-09-14011940.json", "1");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2020-09-14T00:44:23Z"));
      assertThat(event.getEventId()).isEqualTo("fd4f1042-c7f6-4107-a6ee-d841d92596e7");
      assertThat(event.getActor().getMfa()).isTrue();
      assertThat(event.getSrc().getIp()).isEqualTo("1.2.3.4");
      assertThat(event.getSrc().getUserAgent()).isEqualTo("console.ec2.amazonaws.com");
    }

    @Test
    void grafanaErrorCode200IsASuccessAndCommaListGivesFirstIp() {
      AuditEvent event = corpusEvent("elastic_aws_cloudtrail_test-tls-details-json.log", "2");
      assertThat(event.getErrorCode()).isEqualTo("200");
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getSrc().getIp()).isEqualTo("81.2.69.142");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getName()).isEqualTo("some.user@my.company.com");
      assertThat(event.getActor().getAuthMethod()).isEqualTo("SAMLUser");
    }

    @Test
    void identityCenterUserAuthentication() {
      AuditEvent event = corpusEvent("elastic_aws_cloudtrail_test-user-authentication.log", "1");
      assertThat(event.getCategory()).isEqualTo(Category.AUTHENTICATION);
      assertThat(event.getAction()).isEqualTo("login");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getName()).isEqualTo("redacted@example.com");
      assertThat(event.getSrc().getIp()).as("sourceIPAddress \"redacted\"").isNull();
      assertThat(event.getActor().getSession()).as("accessKeyId \"\"").isNull();
    }

    @Test
    void federatedUserSession() {
      AuditEvent event =
          corpusEvent("stratus-red-team/aws.persistence.sts-federation-token.json", "1#2");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROLE_SESSION);
      assertThat(event.getActor().getName()).isEqualTo("stratus_red_team");
      assertThat(event.getCategory()).isEqualTo(Category.OTHER);
      assertThat(event.getEventId()).isEqualTo("91529247-c4c4-4793-afc8-d70bbcfe9d19");
    }

    @Test
    void lowerCasedExportKeys() {
      AuditEvent event = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "31");
      assertThat(event.getOperation()).isEqualTo("GetRecords");
      assertThat(event.getEventId()).isEqualTo("5d4b45ed-a15c-41b6-80e9-031729fa060d");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2023-01-10T21:04:02Z"));
      assertThat(event.getTarget().getRegion()).isEqualTo("eu-west-1");
      assertThat(event.getActor().getId()).isEqualTo("arn:aws:test_arn");
    }

    @Test
    void kmsDecryptByAssumedRole() {
      AuditEvent event = corpusEvent("sekoia_intake-formats_aws-cloudtrail_tests.json", "87");
      assertThat(event.getCategory()).isEqualTo(Category.KEY_MANAGEMENT);
      assertThat(event.getAction()).isEqualTo("decrypt");
      assertThat(event.getActor().getName()).isEqualTo("user/ctstreamer-dev-s3");
      assertThat(event.getTarget().getResource())
          .isEqualTo("arn:aws:kms:eu-west-3:1111111111:key/14eb3a8a-ffec-4b0e-a6da-e901d5e6ee9c");
    }

    @Test
    void lambdaOperationKeepsItsApiVersionSuffix() {
      AuditEvent event = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "218");
      assertThat(event.getOperation()).isEqualTo("UpdateFunctionCode20150331v2");
      assertThat(event.getCategory()).isEqualTo(Category.SYSTEM);
      assertThat(event.getAction()).isEqualTo("update");
      assertThat(event.getTarget().getResource()).isEqualTo("production-api");
    }
  }

  @Nested
  class Identities {

    @Test
    void iamUser() {
      AuditEvent event =
          parse(
              call(
                  "ec2.amazonaws.com",
                  "DescribeInstances",
                  identity(
                      "{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\","
                          + "\"arn\":\"arn:aws:iam::111122223333:user/ops/alice\","
                          + "\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAEXAMPLE\","
                          + "\"userName\":\"alice\"}")));
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getId()).isEqualTo("arn:aws:iam::111122223333:user/ops/alice");
      assertThat(event.getActor().getName()).isEqualTo("alice");
      assertThat(event.getActor().getSession()).isEqualTo("AKIAEXAMPLE");
      assertThat(event.getActor().getAuthMethod()).isEqualTo("IAMUser");
      assertThat(event.getActor().getMfa()).isNull();
      assertThat(event.getActor().getRoot()).isFalse();
    }

    @Test
    void iamUserWithoutArnGetsTheArnOfItsOtherRecords() {
      // A failed ConsoleLogin: CloudTrail writes principalId, account and name, but no arn.
      String user =
          "{\"type\":\"IAMUser\",\"principalId\":\"AIDACKCEVSQ6C2EXAMPLE\","
              + "\"accountId\":\"111122223333\",\"accessKeyId\":\"\",\"userName\":\"anaya\"}";
      AuditEvent event =
          parse(
              call(
                  "signin.amazonaws.com",
                  "ConsoleLogin",
                  identity(user)
                      + ",\"errorMessage\":\"Failed authentication\","
                      + "\"responseElements\":{\"ConsoleLogin\":\"Failure\"}"));
      assertThat(event.getActor().getId()).isEqualTo("arn:aws:iam::111122223333:user/anaya");
      assertThat(event.getActor().getName()).isEqualTo("anaya");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
    }

    @ParameterizedTest
    @CsvSource({
      "cn-north-1,     arn:aws-cn:iam::111122223333:user/anaya",
      "cn-northwest-1, arn:aws-cn:iam::111122223333:user/anaya",
      "us-gov-west-1,  arn:aws-us-gov:iam::111122223333:user/anaya",
      "us-iso-east-1,  arn:aws-iso:iam::111122223333:user/anaya",
      "us-isob-east-1, arn:aws-iso-b:iam::111122223333:user/anaya",
      "eu-west-1,      arn:aws:iam::111122223333:user/anaya"
    })
    void aRebuiltArnIsInTheRegionsPartition(String region, String arn) {
      String record =
          call(
                  "signin.amazonaws.com",
                  "CheckMfa",
                  identity(
                      "{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\","
                          + "\"accountId\":\"111122223333\",\"userName\":\"anaya\"}"))
              .replace("eu-west-1", region);
      assertThat(parse(record).getActor().getId()).isEqualTo(arn);
    }

    @Test
    void iamUserWithoutAccountKeepsThePrincipalId() {
      AuditEvent event =
          parse(
              call(
                  "signin.amazonaws.com",
                  "CheckMfa",
                  identity(
                      "{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\","
                          + "\"userName\":\"anaya\"}")));
      assertThat(event.getActor().getId()).isEqualTo("AIDAEXAMPLE");
    }

    @Test
    void rootWithoutArnGetsTheRootArn() {
      AuditEvent event =
          parse(
              call(
                      "signin.amazonaws.com",
                      "ConsoleLogin",
                      identity("{\"type\":\"Root\",\"principalId\":\"111122223333\"}"))
                  .replace("eu-west-1", "cn-north-1"));
      assertThat(event.getActor().getId()).isEqualTo("arn:aws-cn:iam::111122223333:root");
      assertThat(event.getActor().getRoot()).isTrue();
    }

    @Test
    void assumedRoleWithoutArnGetsTheSessionArn() {
      AuditEvent event =
          parse(
              call(
                  "s3.amazonaws.com",
                  "ListBuckets",
                  identity(
                      "{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:bob\","
                          + "\"accountId\":\"111122223333\","
                          + "\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                          + "\"principalId\":\"AROAEXAMPLE\","
                          + "\"arn\":\"arn:aws-us-gov:iam::111122223333:role/admin/Ops\","
                          + "\"accountId\":\"111122223333\",\"userName\":\"Ops\"}}}")));
      // A session ARN names the role without its path, in the issuer's partition.
      assertThat(event.getActor().getId())
          .isEqualTo("arn:aws-us-gov:sts::111122223333:assumed-role/Ops/bob");
      assertThat(event.getActor().getName()).isEqualTo("Ops/bob");
    }

    @Test
    void federatedUserWithoutArnGetsItsArn() {
      AuditEvent event =
          parse(
              call(
                  "s3.amazonaws.com",
                  "ListBuckets",
                  identity(
                      "{\"type\":\"FederatedUser\",\"principalId\":\"111122223333:carol\","
                          + "\"accountId\":\"111122223333\"}")));
      assertThat(event.getActor().getId())
          .isEqualTo("arn:aws:sts::111122223333:federated-user/carol");
      assertThat(event.getActor().getName()).isEqualTo("carol");
    }

    @Test
    void anIdentityWithOnlyItsUserNameIsNamedByIt() {
      // Panther's rule tests keep only the type and userName of the caller.
      AuditEvent session = corpusEvent("panther_aws_cloudtrail_rule_tests.jsonl", "301");
      assertThat(session.getActor().getName()).isEqualTo("TestRole");
      assertThat(session.getActor().getType()).isEqualTo(ActorType.ROLE_SESSION);
      assertThat(session.getActor().getId()).isNull();
      AuditEvent federated =
          parse(
              call(
                  "s3.amazonaws.com",
                  "ListBuckets",
                  identity("{\"type\":\"FederatedUser\",\"userName\":\"carol\"}")));
      assertThat(federated.getActor().getName()).isEqualTo("carol");
      assertThat(federated.getActor().getType()).isEqualTo(ActorType.ROLE_SESSION);
    }

    @Test
    void assumedRoleWithoutArnNamesIssuerAndSession() {
      AuditEvent event =
          parse(
              call(
                  "s3.amazonaws.com",
                  "ListBuckets",
                  identity(
                      "{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:break-glass-bob\","
                          + "\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                          + "\"userName\":\"BreakGlassAdmin\"},"
                          + "\"attributes\":{\"mfaAuthenticated\":\"true\"}}}")));
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROLE_SESSION);
      assertThat(event.getActor().getId()).isEqualTo("AROAEXAMPLE:break-glass-bob");
      assertThat(event.getActor().getName()).isEqualTo("BreakGlassAdmin/break-glass-bob");
      assertThat(event.getActor().getMfa()).isTrue();
    }

    @Test
    void anonymousPrincipal() {
      AuditEvent event =
          parse(
              call(
                  "s3.amazonaws.com",
                  "GetObject",
                  identity(
                      "{\"type\":\"AWSAccount\",\"principalId\":\"\","
                          + "\"accountId\":\"ANONYMOUS_PRINCIPAL\"}")));
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ANONYMOUS);
      assertThat(event.getActor().getId()).isEqualTo("ANONYMOUS_PRINCIPAL");
      assertThat(event.getTarget().getAccount()).isEqualTo("111122223333");
    }

    @Test
    void crossAccountUser() {
      AuditEvent event =
          parse(
              "{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                  + "\"eventName\":\"GetObject\","
                  + identity(
                      "{\"type\":\"AWSAccount\",\"principalId\":\"AIDAOTHER\","
                          + "\"accountId\":\"444455556666\"}")
                  + "}");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getId()).isEqualTo("AIDAOTHER");
      assertThat(event.getActor().getName()).isEqualTo("444455556666");
      assertThat(event.getTarget().getAccount())
          .as("no recipientAccountId: the caller's account")
          .isEqualTo("444455556666");
    }

    @Test
    void unknownType() {
      AuditEvent event =
          parse(
              call(
                  "sso.amazonaws.com",
                  "ListApplications",
                  identity(
                      "{\"type\":\"Unknown\",\"principalId\":\"p-1\",\"userName\":\"victim\"}")));
      assertThat(event.getActor().getType()).isEqualTo(ActorType.UNKNOWN);
      assertThat(event.getActor().getId()).isEqualTo("p-1");
      assertThat(event.getActor().getName()).isEqualTo("victim");
      assertThat(event.getActor().getAuthMethod()).isEqualTo("Unknown");
    }

    @Test
    void missingUserIdentity() {
      AuditEvent event = parse(call("ec2.amazonaws.com", "DescribeInstances", ""));
      assertThat(event.getActor().getType()).isEqualTo(ActorType.UNKNOWN);
      assertThat(event.getActor().getId()).isNull();
      assertThat(event.getActor().getRoot()).isFalse();
      assertThat(event.getActor().getPolicies()).isEmpty();
    }

    @Test
    void rootArnWithoutTypeIsRoot() {
      AuditEvent event =
          parse(
              call(
                  "iam.amazonaws.com",
                  "ListUsers",
                  identity("{\"arn\":\"arn:aws:iam::111122223333:root\"}")));
      assertThat(event.getActor().getRoot()).isTrue();
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROOT);
    }

    @Test
    void mfaUsedOfASignInWinsOverTheSession() {
      AuditEvent event =
          parse(
              call(
                  "signin.amazonaws.com",
                  "ConsoleLogin",
                  identity(
                          "{\"type\":\"IAMUser\",\"userName\":\"a\",\"sessionContext\":"
                              + "{\"attributes\":{\"mfaAuthenticated\":\"false\"}}}")
                      + ",\"additionalEventData\":{\"MFAUsed\":\"YES\"},"
                      + "\"responseElements\":{\"ConsoleLogin\":\"Success\"}"));
      assertThat(event.getActor().getMfa()).isTrue();
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
    }
  }

  @Nested
  class Outcomes {

    @ParameterizedTest
    @CsvSource({
      "AccessDenied, true",
      "AccessDeniedException, true",
      "VpceAccessDenied, true",
      "Client.UnauthorizedOperation, true",
      "UnauthorizedOperation, true",
      "UnauthorizedAccess, true",
      "ForbiddenException, true",
      "Client.AuthFailure, false",
      "ExpiredToken, false",
      "NoSuchEntity, false",
      "Client.DryRunOperation, false",
    })
    void errorCodeFamilies(String errorCode, boolean denied) {
      AuditEvent event =
          parse(call("ec2.amazonaws.com", "RunInstances", "\"errorCode\":\"" + errorCode + "\""));
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isEqualTo(denied);
      assertThat(event.getErrorCode()).isEqualTo(errorCode);
    }

    @Test
    void emptyErrorCodeIsNoError() {
      AuditEvent event = parse(call("s3.amazonaws.com", "GetObject", "\"errorCode\":\"\""));
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getErrorCode()).isNull();
    }

    @Test
    void serviceEventFailure() {
      AuditEvent event =
          parse(
              call(
                  "signin.amazonaws.com",
                  "UserAuthentication",
                  "\"serviceEventDetails\":{\"UserAuthentication\":\"Failure\"}"));
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isFalse();
    }

    @Test
    void nullBodiesAreFine() {
      AuditEvent event =
          parse(
              call(
                  "secretsmanager.amazonaws.com",
                  "GetSecretValue",
                  "\"requestParameters\":null,\"responseElements\":null,"
                      + "\"additionalEventData\":null,\"resources\":null"));
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getTarget().getResource()).isEqualTo("secretsmanager.amazonaws.com");
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
    }
  }

  @Nested
  class Quirks {

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "AWS Internal|",
          "ec2.amazonaws.com|",
          "redacted|",
          "<Attacker source IP>|",
          "075.050.255.67|75.50.255.67",
          "81.2.69.142, 192.168.10.10|81.2.69.142",
          "proxy.internal, 10.0.0.7|10.0.0.7",
          "2001:db8::1|2001:db8::1",
        })
    void sourceIpAddress(String sourceIpAddress, String expectedIp) {
      AuditEvent event =
          parse(
              call(
                  "s3.amazonaws.com",
                  "ListBuckets",
                  "\"sourceIPAddress\":\"" + sourceIpAddress + "\",\"userAgent\":\"aws-cli/2\""));
      assertThat(event.getSrc().getIp()).isEqualTo(expectedIp);
      assertThat(event.getSrc().getUserAgent()).isEqualTo("aws-cli/2");
    }

    @Test
    void policyDocumentsStayInRawOnly() {
      String document =
          "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\"}]}";
      AuditEvent event =
          parse(
              call(
                  "iam.amazonaws.com",
                  "PutRolePolicy",
                  "\"requestParameters\":{\"roleName\":\"app\",\"policyName\":\"inline\","
                      + "\"policyDocument\":\""
                      + document
                      + "\"}"));
      assertThat(event.getCategory()).isEqualTo(Category.POLICY_CHANGE);
      assertThat(event.getTarget().getResource()).isEqualTo("role/app");
      String fields = AuditEvent.newBuilder(event).setRaw("").build().toString();
      assertThat(fields).doesNotContain("2012-10-17").doesNotContain("Statement");
    }

    @Test
    void ssmReadByPathWithDecryption() {
      AuditEvent event =
          parse(
              call(
                  "ssm.amazonaws.com",
                  "GetParametersByPath",
                  "\"requestParameters\":{\"path\":\"/prod/db\",\"withDecryption\":\"true\"}"));
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getAction()).isEqualTo("read");
      assertThat(event.getTarget().getResource()).isEqualTo("/prod/db");
      assertThat(event.getTarget().getType()).isEqualTo("ssm");
    }

    @Test
    void hiddenParameterIsNotAnIdentifier() {
      AuditEvent event =
          parse(
              call(
                  "bedrock.amazonaws.com",
                  "UpdateGuardrail",
                  "\"requestParameters\":{\"name\":\"HIDDEN_DUE_TO_SECURITY_REASONS\"}"));
      assertThat(event.getTarget().getResource()).isEqualTo("bedrock.amazonaws.com");
    }

    @Test
    void batchSecretIdListAndLongListsAreCapped() {
      StringBuilder ids = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        ids.append(i == 0 ? "" : ",").append("\"s").append(i).append('"');
      }
      AuditEvent event =
          parse(
              call(
                  "secretsmanager.amazonaws.com",
                  "BatchGetSecretValue",
                  "\"requestParameters\":{\"secretIdList\":[" + ids + "]}"));
      assertThat(event.getTarget().getResource()).startsWith("s0,s1,").endsWith(",s19,…+5");
    }

    @Test
    void sameRecordSameId() {
      String record = "{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventName\":\"ListBuckets\"}";
      assertThat(parse(record).getEventId())
          .isEqualTo(parse(record).getEventId())
          .isEqualTo(EventIds.ofRaw(record));
    }

    @Test
    void missingEventSourceStillNormalizes() {
      AuditEvent event =
          parse(
              "{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventName\":\"DeleteBucket\","
                  + "\"awsRegion\":\"us-east-2\",\"errorCode\":\"BucketNotEmpty\"}");
      assertThat(event.getCategory()).isEqualTo(Category.SYSTEM);
      assertThat(event.getAction()).isEqualTo("delete");
      assertThat(event.getTarget().getType()).isNull();
      assertThat(event.getTarget().getResource()).isNull();
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
    }

    @Test
    void pantherSpaceSeparatedNanosecondTime() {
      AuditEvent event =
          parse(
              "{\"eventTime\":\"2019-01-01 00:00:00.000000000\",\"eventName\":\"ListBuckets\","
                  + "\"eventSource\":\"s3.amazonaws.com\"}");
      assertThat(event.getTime()).isEqualTo(Instant.parse("2019-01-01T00:00:00Z"));
    }

    @Test
    void deliveredFileEnvelope() {
      CorpusRun.Outcome outcome =
          CorpusRun.normalizeText(
              "{\"Records\":["
                  + call("s3.amazonaws.com", "ListBuckets", "")
                  + ","
                  + call("kms.amazonaws.com", "Decrypt", "")
                  + "]}",
              NORMALIZER);
      assertThat(outcome.deadLetters()).isEmpty();
      assertThat(outcome.events())
          .extracting(AuditEvent::getOperation)
          .containsExactly("ListBuckets", "Decrypt");
    }
  }

  @Nested
  class Rejections {

    @Test
    void digestFile() {
      DeadLetter deadLetter =
          reject(
              "{\"awsAccountId\":\"1\",\"digestStartTime\":\"2020-09-11T18:36:49Z\","
                  + "\"digestEndTime\":\"2020-09-11T19:36:49Z\",\"logFiles\":[]}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NOT_AN_AUDIT_EVENT);
      assertThat(deadLetter.getMessage()).contains("digest");
    }

    @Test
    void insightsEvent() {
      DeadLetter deadLetter =
          reject(
              "{\"eventVersion\":\"1.07\",\"eventTime\":\"2019-11-14T00:51:00Z\","
                  + "\"awsRegion\":\"us-east-1\",\"eventType\":\"AwsCloudTrailInsight\","
                  + "\"insightDetails\":{\"state\":\"Start\"}}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NOT_AN_AUDIT_EVENT);
      assertThat(deadLetter.getMessage()).contains("Insights");
    }

    @Test
    void missingEventName() {
      DeadLetter deadLetter =
          reject(
              "{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                  + "\"awsRegion\":\"us-east-1\"}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
      assertThat(deadLetter.getMessage()).contains("eventName");
    }

    @Test
    void eventNameOfTheWrongType() {
      DeadLetter deadLetter =
          reject(
              "{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                  + "\"eventName\":{\"value\":\"x\"}}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"...\"", "\"redacted\"", "\"2019-13-45T00:00:00Z\""})
    void invalidTime(String time) {
      DeadLetter deadLetter =
          reject(
              "{\"eventTime\":"
                  + time
                  + ",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.INVALID_TIME);
    }

    @Test
    void numericTimeIsTheWrongType() {
      DeadLetter deadLetter =
          reject(
              "{\"eventTime\":1700000000,\"eventSource\":\"s3.amazonaws.com\","
                  + "\"eventName\":\"ListBuckets\"}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
    }

    @Test
    void missingTime() {
      DeadLetter deadLetter =
          reject("{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}");
      assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MISSING_TIME);
    }
  }

  @Nested
  class Operations {

    @ParameterizedTest
    @CsvSource({
      "iam.amazonaws.com, CreatePolicyVersion, POLICY_CHANGE, create, 3008",
      "iam.amazonaws.com, UpdateAssumeRolePolicy, POLICY_CHANGE, update, 3008",
      "iam.amazonaws.com, PutRolePolicy, POLICY_CHANGE, update, 3008",
      "iam.amazonaws.com, AttachGroupPolicy, POLICY_CHANGE, update, 3008",
      "iam.amazonaws.com, CreateAccessKey, IDENTITY_MANAGEMENT, create, 3007",
      "iam.amazonaws.com, AddUserToGroup, IDENTITY_MANAGEMENT, create, 3007",
      "lambda.amazonaws.com, AddPermission20150331v2, POLICY_CHANGE, create, 3008",
      "cloudtrail.amazonaws.com, PutEventSelectors, AUDIT_CONFIG, update, 6003",
      "cloudtrail.amazonaws.com, UpdateTrail, AUDIT_CONFIG, update, 6003",
      "cloudtrail.amazonaws.com, CreateTrail, AUDIT_CONFIG, create, 6003",
      "config.amazonaws.com, DeleteDeliveryChannel, AUDIT_CONFIG, delete, 6003",
      "guardduty.amazonaws.com, UpdateDetector, AUDIT_CONFIG, update, 6003",
      "organizations.amazonaws.com, LeaveOrganization, AUDIT_CONFIG, delete, 6003",
      "signin.amazonaws.com, ConsoleLogin, AUTHENTICATION, login, 3002",
      "signin.amazonaws.com, UserAuthentication, AUTHENTICATION, login, 3002",
      "sts.amazonaws.com, GetFederationToken, AUTHENTICATION, issue, 3002",
      "kms.amazonaws.com, Decrypt, KEY_MANAGEMENT, decrypt, 6003",
      "ssm.amazonaws.com, SendCommand, SYSTEM, other, 6003",
      "iam.amazonaws.com, SetDefaultPolicyVersion, POLICY_CHANGE, update, 3008",
      "iam.amazonaws.com, DetachRolePolicy, POLICY_CHANGE, update, 3008",
      "iam.amazonaws.com, DeleteUserPolicy, POLICY_CHANGE, delete, 3008",
      "iam.amazonaws.com, CreateRole, IDENTITY_MANAGEMENT, create, 3008",
      "iam.amazonaws.com, CreateLoginProfile, IDENTITY_MANAGEMENT, create, 3007",
      "iam.amazonaws.com, ListUsers, IDENTITY_MANAGEMENT, list, 6003",
      "kms.amazonaws.com, PutKeyPolicy, POLICY_CHANGE, update, 3008",
      "kms.amazonaws.com, Encrypt, KEY_MANAGEMENT, encrypt, 6003",
      "kms.amazonaws.com, GenerateDataKey, KEY_MANAGEMENT, issue, 6003",
      "kms.amazonaws.com, ScheduleKeyDeletion, KEY_MANAGEMENT, delete, 6003",
      "kms.amazonaws.com, DisableKey, KEY_MANAGEMENT, disable, 6003",
      "secretsmanager.amazonaws.com, PutResourcePolicy, POLICY_CHANGE, update, 3008",
      "secretsmanager.amazonaws.com, ListSecrets, SECRET_ACCESS, list, 6003",
      "secretsmanager.amazonaws.com, CreateSecret, SECRET_ACCESS, create, 6003",
      "s3.amazonaws.com, PutBucketPolicy, POLICY_CHANGE, update, 3008",
      "s3.amazonaws.com, PutObject, OTHER, update, 6003",
      "cloudtrail.amazonaws.com, DeleteTrail, AUDIT_CONFIG, delete, 6003",
      "cloudtrail.amazonaws.com, LookupEvents, OTHER, read, 6003",
      "config.amazonaws.com, StopConfigurationRecorder, AUDIT_CONFIG, disable, 6003",
      "guardduty.amazonaws.com, DeleteDetector, AUDIT_CONFIG, delete, 6003",
      "ec2.amazonaws.com, DeleteFlowLogs, AUDIT_CONFIG, delete, 6003",
      "sts.amazonaws.com, AssumeRoleWithSAML, AUTHENTICATION, assume_role, 3002",
      "sts.amazonaws.com, GetSessionToken, AUTHENTICATION, issue, 3002",
      "sts.amazonaws.com, GetCallerIdentity, OTHER, read, 6003",
      "signin.amazonaws.com, CheckMfa, AUTHENTICATION, login, 3002",
      "ec2.amazonaws.com, TerminateInstances, SYSTEM, delete, 6003",
      "ec2.amazonaws.com, DescribeRegions, OTHER, read, 6003",
      "example.amazonaws.com, FrobnicateWidget, OTHER, other, 6003",
      "monitoring.amazonaws.com, DeleteAlarms, AUDIT_CONFIG, delete, 6003",
      "monitoring.amazonaws.com, PutMetricAlarm, AUDIT_CONFIG, update, 6003",
      "monitoring.amazonaws.com, DescribeAlarms, OTHER, read, 6003",
      "logs.amazonaws.com, DeleteMetricFilter, AUDIT_CONFIG, delete, 6003",
      "logs.amazonaws.com, CreateLogStream, OTHER, create, 6003",
      "securityhub.amazonaws.com, BatchDeleteAutomationRules, AUDIT_CONFIG, delete, 6003",
      // findings archived or suppressed can hide an attack: a change (update), never a disabling
      "securityhub.amazonaws.com, UpdateFindings, AUDIT_CONFIG, update, 6003",
      "securityhub.amazonaws.com, BatchUpdateFindings, AUDIT_CONFIG, update, 6003",
      "securityhub.amazonaws.com, DisableSecurityHub, AUDIT_CONFIG, disable, 6003",
      // an insight is a saved filter over findings: deleting one disables nothing
      "securityhub.amazonaws.com, DeleteInsight, SYSTEM, delete, 6003",
      "securityhub.amazonaws.com, UpdateInsight, SYSTEM, update, 6003",
      // a trusted IP list silences findings; deleting it brings them back, as DeleteFilter
      "guardduty.amazonaws.com, CreateIPSet, AUDIT_CONFIG, create, 6003",
      "guardduty.amazonaws.com, DeleteIPSet, SYSTEM, delete, 6003",
      "guardduty.amazonaws.com, DeleteFilter, SYSTEM, delete, 6003",
      "guardduty.amazonaws.com, DeleteThreatIntelSet, AUDIT_CONFIG, delete, 6003",
      "athena.amazonaws.com, StartQueryExecution, OTHER, enable, 6003",
      "ssmmessages.amazonaws.com, CreateControlChannel, OTHER, create, 6003",
      "ec2.amazonaws.com, RunInstances, SYSTEM, create, 6003",
      "ec2.amazonaws.com, CreateSecurityGroup, SYSTEM, create, 6003",
      "ec2.amazonaws.com, RevokeSecurityGroupIngress, SYSTEM, revoke, 6003",
    })
    void operations(
        String eventSource, String eventName, Category category, String action, int ocsf) {
      AuditEvent event = parse(call(eventSource, eventName, ""));
      assertThat(event.getCategory()).as("category").isEqualTo(category);
      assertThat(event.getAction()).as("action").isEqualTo(action);
      assertThat(event.getOcsfClassUid()).as("ocsf").isEqualTo(ocsf);
      assertThat(event.getOperation()).isEqualTo(eventName);
    }

    @ParameterizedTest
    @CsvSource({
      "BatchGetSecretValue, read",
      "BatchDisableStandards, disable",
      "ListTagsForResource, list",
      "action, other",
      "X, other",
      "Get, read",
    })
    void verbs(String eventName, String action) {
      assertThat(CloudTrailOperations.actionOfVerb(eventName)).isEqualTo(action);
    }

    @Test
    void userTableTakesPrecedenceAndIsCached() throws IOException {
      String yaml =
          "rules:\n"
              + "  - match: {eventSource: ec2.amazonaws.com, eventName: GetPasswordData}\n"
              + "    category: SECRET_ACCESS\n"
              + "    action: read\n";
      CloudTrailOperations operations =
          new CloudTrailOperations(
              MappingTable.withOverride(CloudTrailParser.TABLE, "test.yaml", yaml));
      assertThat(operations.resolve("ec2.amazonaws.com", "GetPasswordData").category())
          .isEqualTo(Category.SECRET_ACCESS);
      assertThat(operations.resolve("ec2.amazonaws.com", "GetPasswordData"))
          .isSameAs(operations.resolve("ec2.amazonaws.com", "GetPasswordData"));
    }

    @Test
    void theBuiltInTableFilesAnyOtherChangeAsSystem() {
      CloudTrailOperations operations =
          new CloudTrailOperations(MappingTable.builtIn(CloudTrailParser.TABLE));
      assertThat(operations.resolve(null, "DeleteThing").category()).isEqualTo(Category.SYSTEM);
      assertThat(operations.resolve("ec2.amazonaws.com", "RevokeSecurityGroupIngress").category())
          .isEqualTo(Category.SYSTEM);
      assertThat(operations.resolve("ec2.amazonaws.com", "DescribeThings").category())
          .isEqualTo(Category.OTHER);
      assertThat(operations.resolve("example.amazonaws.com", "FrobnicateWidget").category())
          .isEqualTo(Category.OTHER);
    }

    @Test
    void cacheIsBounded() {
      CloudTrailOperations operations =
          new CloudTrailOperations(MappingTable.builtIn(CloudTrailParser.TABLE), 100);
      for (int i = 0; i < 1_000; i++) {
        operations.resolve("fuzz" + (i % 7) + ".amazonaws.com", "Op" + i);
        assertThat(operations.cachedCount()).isBetween(1, 100);
      }
      assertThat(operations.resolve("kms.amazonaws.com", "Decrypt").action()).isEqualTo("decrypt");
    }
  }

  /**
   * Every AUDIT_CONFIG operation names what it changed (the {@code target} of its cloudtrail.yaml
   * rule), in the request shapes CloudTrail logs, so an audit-disabling alert says which trail,
   * recorder, detector or flow log, not which service.
   */
  @Nested
  class AuditConfigTargets {

    @ParameterizedTest(name = "{1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "cloudtrail | StopLogging | {\"name\":\"org-trail\"} | org-trail",
          "cloudtrail | PutEventSelectors | {\"trailName\":\"org-trail\",\"eventSelectors\":[]}"
              + " | org-trail",
          "cloudtrail | DeleteEventDataStore | {\"eventDataStore\":\"arn:aws:cloudtrail:us-east-1:"
              + "111122223333:eventdatastore/eds-1\"}"
              + " | arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-1",
          "config | StopConfigurationRecorder | {\"configurationRecorderName\":\"default\"}"
              + " | default",
          "config | DeleteDeliveryChannel | {\"deliveryChannelName\":\"audit-channel\"}"
              + " | audit-channel",
          "config | PutDeliveryChannel | {\"deliveryChannel\":{\"name\":\"audit-channel\","
              + "\"s3BucketName\":\"config-bucket\"}} | audit-channel",
          "config | PutConfigurationRecorder | {\"configurationRecorder\":{\"name\":\"default\","
              + "\"recordingGroup\":{\"allSupported\":false}}} | default",
          "config | DeleteConfigRule | {\"configRuleName\":\"s3-public-read\"} | s3-public-read",
          "guardduty | DeleteDetector | {\"detectorId\":\"12abc34d567e8fa901bc2d34e56789f0\"}"
              + " | 12abc34d567e8fa901bc2d34e56789f0",
          "guardduty | UpdateIPSet | {\"detectorId\":\"d-1\",\"ipSetId\":\"ips-7\","
              + "\"activate\":true} | ips-7",
          "guardduty | CreateIPSet | {\"detectorId\":\"d-1\",\"name\":\"trusted\","
              + "\"format\":\"TXT\"} | trusted",
          "guardduty | CreateFilter | {\"detectorId\":\"d-1\",\"name\":\"archive-all\","
              + "\"action\":\"ARCHIVE\"} | archive-all",
          "guardduty | DisassociateMembers | {\"detectorId\":\"d-1\","
              + "\"accountIds\":[\"444455556666\",\"777788889999\"]}"
              + " | 444455556666,777788889999",
          "ec2 | DeleteFlowLogs | {\"DeleteFlowLogsRequest\":{\"FlowLogId\":"
              + "{\"content\":\"fl-0e17aa62a21d4bbfe\",\"tag\":1}}} | fl-0e17aa62a21d4bbfe",
          "ec2 | DeleteFlowLogs | {\"DeleteFlowLogsRequest\":{\"FlowLogId\":"
              + "[{\"content\":\"fl-1\",\"tag\":1},{\"content\":\"fl-2\",\"tag\":2}]}}"
              + " | fl-1,fl-2",
          "ec2 | CreateFlowLogs | {\"CreateFlowLogsRequest\":{\"ResourceId\":"
              + "{\"tag\":1,\"content\":\"vpc-12345678\"},\"ResourceType\":\"VPC\"}}"
              + " | vpc-12345678",
          "logs | DeleteLogGroup | {\"logGroupName\":\"/aws/lambda/payments\"}"
              + " | /aws/lambda/payments",
          "logs | DeleteDestination | {\"destinationName\":\"central-logs\"} | central-logs",
          "route53resolver | DeleteResolverQueryLogConfig | {\"originSequenceNumber\":0,"
              + "\"resolverQueryLogConfigId\":\"rqlc-4473f20ca554c07\"} | rqlc-4473f20ca554c07",
          "s3 | PutBucketLogging | {\"bucketName\":\"critical-data\","
              + "\"BucketLoggingStatus\":{}} | critical-data",
          "securityhub | BatchDisableStandards | {\"StandardsSubscriptionArns\":"
              + "[\"arn:aws:securityhub:us-east-1:111122223333:subscription/cis/v/1.2.0\"]}"
              + " | arn:aws:securityhub:us-east-1:111122223333:subscription/cis/v/1.2.0",
          "securityhub | BatchUpdateFindings | {\"FindingIdentifiers\":[{\"Id\":\"f-1\","
              + "\"ProductArn\":\"p\"},{\"Id\":\"f-2\",\"ProductArn\":\"p\"}],"
              + "\"Workflow\":{\"Status\":\"SUPPRESSED\"}} | f-1,f-2",
          "macie2 | DeleteMember | {\"id\":\"444455556666\"} | 444455556666",
          "access-analyzer | DeleteAnalyzer | {\"analyzerName\":\"org\"} | org",
          "access-analyzer | CreateArchiveRule | {\"analyzerName\":\"org\","
              + "\"ruleName\":\"ignore-all\"} | ignore-all",
          "bedrock | PutModelInvocationLoggingConfiguration | {\"loggingConfig\":"
              + "{\"s3Config\":{\"bucketName\":\"invocations\"}}} | invocations",
          "wafv2 | DeleteLoggingConfiguration | {\"resourceArn\":\"arn:aws:wafv2:us-east-1:"
              + "111122223333:regional/webacl/w/1\"}"
              + " | arn:aws:wafv2:us-east-1:111122223333:regional/webacl/w/1",
          "detective | DeleteGraph | {\"graphArn\":\"arn:aws:detective:us-east-1:111122223333:"
              + "graph:027c7c4610ea4aacaf0b883093cab899\"}"
              + " | arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
          "inspector2 | Disable | {\"accountIds\":[\"111122223333\"],"
              + "\"resourceTypes\":[\"EC2\"]} | 111122223333",
          "organizations | RemoveAccountFromOrganization | {\"accountId\":\"444455556666\"}"
              + " | 444455556666",
        })
    void namesWhatTheOperationChanged(
        String service, String eventName, String requestParameters, String resource) {
      AuditEvent event =
          parse(
              call(
                  service + ".amazonaws.com",
                  eventName,
                  "\"requestParameters\":" + requestParameters));
      assertThat(event.getCategory()).isEqualTo(Category.AUDIT_CONFIG);
      assertThat(event.getTarget().getResource()).isEqualTo(resource);
    }

    @Test
    void aLongListIsCapped() {
      StringBuilder ids = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        ids.append(i == 0 ? "" : ",").append("{\"content\":\"fl-").append(i).append("\"}");
      }
      AuditEvent event =
          parse(
              call(
                  "ec2.amazonaws.com",
                  "DeleteFlowLogs",
                  "\"requestParameters\":{\"DeleteFlowLogsRequest\":{\"FlowLogId\":["
                      + ids
                      + "]}}"));
      assertThat(event.getTarget().getResource()).startsWith("fl-0,fl-1,").endsWith(",fl-19,…+5");
    }

    @Test
    void aUserTableCanNameTheTargetOfItsOperations() throws IOException {
      String yaml =
          """
          rules:
            - match: {eventSource: ec2.amazonaws.com, eventName: DeleteTrafficMirrorSession}
              category: AUDIT_CONFIG
              target: [DeleteTrafficMirrorSessionRequest.TrafficMirrorSessionId]
          """;
      CloudTrailParser parser =
          new CloudTrailParser(
              MappingTable.withOverride(CloudTrailParser.TABLE, "test.yaml", yaml));
      AuditEvent event =
          CorpusRun.normalizeText(
                  call(
                      "ec2.amazonaws.com",
                      "DeleteTrafficMirrorSession",
                      "\"requestParameters\":{\"DeleteTrafficMirrorSessionRequest\":"
                          + "{\"TrafficMirrorSessionId\":\"tms-1\"}}"),
                  Normalizer.builder().parser(parser).build())
              .events()
              .get(0);
      assertThat(event.getTarget().getResource()).isEqualTo("tms-1");
    }
  }

  @Nested
  class Recognition {

    private final CloudTrailParser parser = new CloudTrailParser();

    private int score(String json) throws IOException {
      return parser.recognize(SourceRecord.of((ObjectNode) JSON.readTree(json)));
    }

    @Test
    void claimsEventsDigestsAndInsights() throws IOException {
      assertThat(score(call("s3.amazonaws.com", "ListBuckets", identity("{}")))).isGreaterThan(10);
      assertThat(score("{\"digestStartTime\":\"x\",\"logFiles\":[]}")).isPositive();
      assertThat(
              score(
                  "{\"eventVersion\":\"1.07\",\"eventType\":\"AwsCloudTrailInsight\","
                      + "\"insightDetails\":{}}"))
          .isPositive();
      assertThat(score("{\"eventname\":\"x\",\"eventsource\":\"s3.amazonaws.com\"}")).isPositive();
    }

    @Test
    void ignoresTheOtherSources() throws IOException {
      int checked = 0;
      for (String folder : List.of("vault", "azure", "gcp")) {
        for (Path file : CorpusRun.files(folder)) {
          for (ObjectNode record : records(file)) {
            assertThat(parser.recognize(SourceRecord.of(record)))
                .as(file.getFileName() + ": " + record)
                .isZero();
            checked++;
          }
        }
      }
      assertThat(checked).as("records of the other sources").isGreaterThan(500);
    }

    /** Every JSON object of a file, envelopes and arrays opened; unparseable records skipped. */
    private List<ObjectNode> records(Path file) throws IOException {
      List<ObjectNode> records = new ArrayList<>();
      try (InputStream in = Files.newInputStream(file)) {
        new RecordSplitter(file.toString(), Integer.MAX_VALUE / 4)
            .split(
                in,
                raw -> {
                  JsonNode root;
                  try {
                    root = JSON.readTree(raw.bytes());
                  } catch (IOException malformed) {
                    return;
                  }
                  for (String key : List.of("Records", "records", "value")) {
                    if (root.path(key).isArray()) {
                      root = root.get(key);
                    }
                  }
                  if (root.isArray()) {
                    root.forEach(
                        member -> {
                          if (member.isObject()) {
                            records.add((ObjectNode) member);
                          }
                        });
                  } else if (root.isObject()) {
                    records.add((ObjectNode) root);
                  }
                });
      }
      return records;
    }
  }

  /** Fuzz finding: records with a blank eventID were all one event to the detections. */
  @Test
  void aBlankEventIdIsNoIdSoTheRecordIsKnownByItsHash() {
    String blank = call("s3.amazonaws.com", "GetObject", "").replace("\"id-1\"", "\" \\u001f\"");
    String other = blank.replace("GetObject", "PutObject");
    AuditEvent first = parse(blank);
    assertThat(first.getEventId()).isEqualTo(EventIds.ofRaw(blank));
    assertThat(parse(other).getEventId()).isNotEqualTo(first.getEventId());
  }
}
