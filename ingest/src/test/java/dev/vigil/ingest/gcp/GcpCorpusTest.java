package dev.vigil.ingest.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every record of {@code corpus/gcp} becomes an event, or a dead letter listed here with the
 * genuine defect of that record. A dead letter not listed, or a listed one that turns into an
 * event, fails the test.
 */
class GcpCorpusTest {

  private record Expected(DeadLetterReason reason, String defect) {}

  private static final String PANTHER = "panther_gcp_auditlog_rule_tests.jsonl:";
  private static final String STRATUS = "stratus-red-team_docs_gcp_attack-technique_examples.json:";

  private static final Map<String, Expected> DEAD_LETTERS = new LinkedHashMap<>();

  private static void expect(String origin, DeadLetterReason reason, String defect) {
    DEAD_LETTERS.put(origin, new Expected(reason, defect));
  }

  static {
    // Panther rule-test fixtures: hand-trimmed entries, enough for one rule, not whole LogEntries.
    expect(PANTHER + "5", DeadLetterReason.MISSING_FIELD, "AuditLog without methodName");
    expect(PANTHER + "10", DeadLetterReason.MISSING_FIELD, "AuditLog without methodName");
    expect(PANTHER + "29", DeadLetterReason.INVALID_TIME, "no timestamp; receiveTimestamp \"...\"");
    expect(
        PANTHER + "31",
        DeadLetterReason.MISSING_FIELD,
        "methodName and the entry's own fields mis-nested inside protopayload.metadata");
    expect(PANTHER + "39", DeadLetterReason.MISSING_FIELD, "a bare {\"methodName\"} fragment");
    expect(PANTHER + "40", DeadLetterReason.MISSING_FIELD, "a bare {\"methodName\"} fragment");
    expect(PANTHER + "41", DeadLetterReason.MISSING_TIME, "no timestamp, logName or insertId");
    expect(PANTHER + "44", DeadLetterReason.MISSING_FIELD, "a bare {\"methodName\"} fragment");
    expect(PANTHER + "45", DeadLetterReason.MISSING_TIME, "no timestamp, logName or insertId");
    expect(PANTHER + "48", DeadLetterReason.MISSING_TIME, "no timestamp, logName or insertId");
    expect(
        PANTHER + "66", DeadLetterReason.MISSING_FIELD, "only authorizationInfo in protoPayload");
    expect(
        PANTHER + "67", DeadLetterReason.MISSING_FIELD, "only authorizationInfo in protoPayload");
    expect(
        PANTHER + "102",
        DeadLetterReason.MISSING_FIELD,
        "methodName and the entry's own fields mis-nested inside protoPayload.metadata");
    expect(PANTHER + "117", DeadLetterReason.MISSING_TIME, "no timestamp, logName or insertId");
    // Stratus Red Team documentation excerpts: protoPayload cut out of its LogEntry.
    expect(
        STRATUS + "1",
        DeadLetterReason.MISSING_TIME,
        "AccessSecretVersion excerpt without timestamp, logName, insertId");
    expect(STRATUS + "42", DeadLetterReason.MISSING_FIELD, "disk setIamPolicy request fragment");
    expect(STRATUS + "70", DeadLetterReason.MISSING_FIELD, "image setIamPolicy request fragment");
    expect(
        STRATUS + "98", DeadLetterReason.MISSING_FIELD, "snapshot setIamPolicy request fragment");
    expect(STRATUS + "126", DeadLetterReason.MISSING_TIME, "storage.objects.create excerpt");
    expect(STRATUS + "146", DeadLetterReason.MISSING_TIME, "storage.objects.delete excerpt");
    expect(STRATUS + "165", DeadLetterReason.MISSING_TIME, "InsertProjectOwnershipInvite excerpt");
    expect(STRATUS + "181", DeadLetterReason.MISSING_TIME, "GenerateAccessToken denial excerpt");
  }

  @Test
  void everyRecordNormalizesOrIsAListedDefect() {
    Normalizer normalizer = Normalizer.builder().parser(new GcpAuditParser()).build();
    List<AuditEvent> events = new ArrayList<>();
    Map<String, DeadLetter> deadLetters = new TreeMap<>();
    for (Path file : CorpusRun.files("gcp")) {
      CorpusRun.Outcome outcome = CorpusRun.normalize(file, normalizer);
      assertThat(outcome.total()).as("records in " + file.getFileName()).isPositive();
      events.addAll(outcome.events());
      outcome.deadLetters().forEach(letter -> deadLetters.put(letter.getOrigin(), letter));
    }

    assertThat(deadLetters.keySet())
        .as("dead-lettered records")
        .containsExactlyInAnyOrderElementsOf(DEAD_LETTERS.keySet());
    deadLetters.forEach(
        (origin, letter) -> {
          Expected expected = DEAD_LETTERS.get(origin);
          assertThat(letter.getReason())
              .as(origin + ": " + expected.defect())
              .isEqualTo(expected.reason());
          assertThat(letter.getSourceGuess()).as(origin).isEqualTo(Source.GCP_AUDIT);
          assertThat(letter.getMessage()).as(origin).isNotBlank();
        });

    assertThat(events).hasSize(163);
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.getSource()).isEqualTo(Source.GCP_AUDIT);
              assertThat(event.getOperation()).isNotBlank();
              assertThat(event.getAction()).isNotBlank();
              assertThat(event.getEventId()).isNotBlank();
              assertThat(event.getRaw()).isNotBlank();
            });
  }

  @Test
  void eventIdsAreStableAcrossRuns() {
    Normalizer normalizer = Normalizer.builder().parser(new GcpAuditParser()).build();
    for (Path file : CorpusRun.files("gcp")) {
      List<String> first =
          CorpusRun.normalize(file, normalizer).events().stream()
              .map(AuditEvent::getEventId)
              .toList();
      List<String> second =
          CorpusRun.normalize(file, normalizer).events().stream()
              .map(AuditEvent::getEventId)
              .toList();
      assertThat(second).as(file.getFileName().toString()).isEqualTo(first);
    }
  }
}
