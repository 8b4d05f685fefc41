package dev.vigil.ingest.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every record of {@code corpus/cloudtrail} (recursively) becomes an event, or a dead letter listed
 * here with the genuine defect of that record. Any other dead letter fails the test.
 */
class CloudTrailCorpusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The records SOURCES.md counts in corpus/cloudtrail: nothing may be lost or invented. */
  private static final int CORPUS_RECORDS = 926;

  private record Expected(DeadLetterReason reason, String defect) {}

  private static final Map<String, Expected> EXPECTED_DEAD_LETTERS = expectedDeadLetters();

  private static Map<String, Expected> expectedDeadLetters() {
    Map<String, Expected> expected = new LinkedHashMap<>();
    expected.put(
        "elastic_aws_cloudtrail_test-cloudtrail-digest-json.log:1",
        new Expected(DeadLetterReason.NOT_AN_AUDIT_EVENT, "a CloudTrail digest file"));
    expected.put(
        "awsdocs_log-file-examples_records.json:165#1",
        new Expected(DeadLetterReason.NOT_AN_AUDIT_EVENT, "an Insights event (start)"));
    expected.put(
        "awsdocs_log-file-examples_records.json:165#2",
        new Expected(DeadLetterReason.NOT_AN_AUDIT_EVENT, "an Insights event (end)"));
    expected.put(
        "sekoia_intake-formats_aws-cloudtrail_tests.json:93",
        new Expected(DeadLetterReason.NOT_AN_AUDIT_EVENT, "an Insights event"));
    // Panther rule tests are hand-written partial events: these carry no time at all.
    for (int line : new int[] {34, 35, 36, 37, 88, 319, 320, 378, 379, 380, 381, 382, 432, 438}) {
      expected.put(
          "panther_aws_cloudtrail_rule_tests.jsonl:" + line,
          new Expected(
              DeadLetterReason.MISSING_TIME, "hand-written Panther test event without eventTime"));
    }
    expected.put(
        "panther_aws_cloudtrail_rule_tests.jsonl:314",
        new Expected(
            DeadLetterReason.INVALID_TIME, "sanitized Panther test event: eventTime \"redacted\""));
    expected.put(
        "panther_aws_cloudtrail_rule_tests.jsonl:440",
        new Expected(DeadLetterReason.INVALID_TIME, "Panther scenario with eventTime \"...\""));
    return expected;
  }

  @Test
  void everyRecordNormalizesOrIsAKnownDefect() {
    Normalizer normalizer = Normalizer.builder().parser(new CloudTrailParser()).build();
    List<AuditEvent> events = new ArrayList<>();
    Map<String, DeadLetter> deadLetters = new LinkedHashMap<>();
    for (Path file : CorpusRun.files("cloudtrail")) {
      CorpusRun.Outcome outcome = CorpusRun.normalize(file, normalizer);
      events.addAll(outcome.events());
      outcome.deadLetters().forEach(dl -> deadLetters.put(dl.getOrigin(), dl));
    }

    assertThat(events.size() + deadLetters.size()).isEqualTo(CORPUS_RECORDS);
    assertThat(deadLetters.keySet())
        .as("dead letters (unexpected ones are parser gaps)")
        .containsExactlyInAnyOrderElementsOf(EXPECTED_DEAD_LETTERS.keySet());
    deadLetters.forEach(
        (origin, deadLetter) -> {
          assertThat(deadLetter.getReason())
              .as("reason of " + origin)
              .isEqualTo(EXPECTED_DEAD_LETTERS.get(origin).reason());
          assertThat(deadLetter.getSourceGuess()).as(origin).isEqualTo(Source.AWS_CLOUDTRAIL);
          assertThat(deadLetter.getMessage()).as(origin).isNotBlank();
        });
    for (AuditEvent event : events) {
      assertThat(event.getSource()).isEqualTo(Source.AWS_CLOUDTRAIL);
      assertThat(event.getOperation()).as(event.getOrigin()).isNotBlank();
      assertThat(event.getAction()).as(event.getOrigin()).isNotBlank();
      assertThat(event.getTarget().getResource()).as(event.getOrigin()).isNotBlank();
      assertThat(event.getRaw()).as(event.getOrigin()).startsWith("{").endsWith("}");
      assertThat(event.getEventId()).as(event.getOrigin()).isNotBlank();
    }
  }

  /**
   * Operations that change a setting of the whole account: their requests name nothing, so the
   * service is what was changed and target.resource stays the eventSource (target.account names the
   * account).
   */
  private static final Map<String, String> ACCOUNT_WIDE_AUDIT_CONFIG =
      Map.of(
          "DeleteModelInvocationLoggingConfiguration", "Bedrock's one invocation logging setting",
          "UpdateMacieSession", "the account's Macie session",
          "LeaveOrganization", "the calling account leaves its organization");

  /** Corpus records whose request carries nothing to name (Panther writes it as null). */
  private static final Map<String, String> AUDIT_CONFIG_WITHOUT_REQUEST =
      Map.of(
          "panther_aws_cloudtrail_rule_tests.jsonl:195",
          "a hand-written CreateIPSet with requestParameters null");

  @Test
  void everyAuditConfigEventNamesWhatItChangedNotTheService() {
    Normalizer normalizer = Normalizer.builder().parser(new CloudTrailParser()).build();
    List<String> namedTheService = new ArrayList<>();
    int auditConfig = 0;
    for (Path file : CorpusRun.files("cloudtrail")) {
      for (AuditEvent event : CorpusRun.normalize(file, normalizer).events()) {
        if (event.getCategory() != Category.AUDIT_CONFIG) {
          continue;
        }
        auditConfig++;
        String resource = event.getTarget().getResource();
        if (resource.equals(event.getTarget().getType() + ".amazonaws.com")
            && !ACCOUNT_WIDE_AUDIT_CONFIG.containsKey(event.getOperation())
            && !AUDIT_CONFIG_WITHOUT_REQUEST.containsKey(event.getOrigin())) {
          namedTheService.add(event.getOrigin() + " " + event.getOperation() + " on " + resource);
        }
      }
    }
    assertThat(auditConfig).as("AUDIT_CONFIG events in the corpus").isGreaterThan(30);
    assertThat(namedTheService).as("AUDIT_CONFIG events whose target is the service").isEmpty();
  }

  @Test
  void everyIdentityWithAUserNameHasAnActorName() throws IOException {
    Normalizer normalizer = Normalizer.builder().parser(new CloudTrailParser()).build();
    List<String> unnamed = new ArrayList<>();
    for (Path file : CorpusRun.files("cloudtrail")) {
      for (AuditEvent event : CorpusRun.normalize(file, normalizer).events()) {
        JsonNode userName = JSON.readTree(event.getRaw()).path("userIdentity").path("userName");
        if (userName.isTextual() && event.getActor().getName() == null) {
          unnamed.add(event.getOrigin());
        }
      }
    }
    assertThat(unnamed).as("events whose userIdentity has a userName but no actor.name").isEmpty();
  }

  @Test
  void detectsEveryRecordAsCloudTrailAmongAllParsers() {
    Normalizer normalizer = Normalizer.create();
    for (Path file : CorpusRun.files("cloudtrail")) {
      CorpusRun.Outcome outcome = CorpusRun.normalize(file, normalizer);
      assertThat(outcome.events())
          .as(file.getFileName().toString())
          .allSatisfy(event -> assertThat(event.getSource()).isEqualTo(Source.AWS_CLOUDTRAIL));
      assertThat(outcome.deadLetters())
          .as(file.getFileName().toString())
          .allSatisfy(dl -> assertThat(dl.getSourceGuess()).isEqualTo(Source.AWS_CLOUDTRAIL));
    }
  }
}
