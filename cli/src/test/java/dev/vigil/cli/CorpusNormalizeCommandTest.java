package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.DeadLetterReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil normalize} over the whole shared corpus with the real parsers (those the normalizer
 * builds itself, as the shipped jar does): every record is accounted for, and every dead letter is
 * one the parsers' own corpus tests expect, for a defect of that record.
 */
class CorpusNormalizeCommandTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Records per corpus folder, as corpus/SOURCES.md counts them (envelope members counted). */
  private static final Map<String, Integer> RECORDS_PER_FOLDER =
      Map.of("vault", 35, "cloudtrail", 926, "azure", 324, "gcp", 185);

  /**
   * The only dead-letter reasons each file may give (see the parsers' *CorpusTest for each record
   * and why); a file not listed must give none.
   */
  private static final Map<String, Set<DeadLetterReason>> ALLOWED_DEAD_LETTERS =
      Map.of(
          // Trimmed documentation excerpts without their time.
          "azure/stratus-red-team_docs_azure-entra_attack-technique_examples.json",
          Set.of(DeadLetterReason.MISSING_TIME),
          // Insights events inside a delivered file.
          "cloudtrail/awsdocs_log-file-examples_records.json",
          Set.of(DeadLetterReason.NOT_AN_AUDIT_EVENT),
          "cloudtrail/elastic_aws_cloudtrail_test-cloudtrail-digest-json.log",
          Set.of(DeadLetterReason.NOT_AN_AUDIT_EVENT),
          // Hand-written Panther events: no eventTime, or "redacted" / "..." as the time.
          "cloudtrail/panther_aws_cloudtrail_rule_tests.jsonl",
          Set.of(DeadLetterReason.MISSING_TIME, DeadLetterReason.INVALID_TIME),
          "cloudtrail/sekoia_intake-formats_aws-cloudtrail_tests.json",
          Set.of(DeadLetterReason.NOT_AN_AUDIT_EVENT),
          // Panther fragments: no methodName, no timestamp, "..." as the time.
          "gcp/panther_gcp_auditlog_rule_tests.jsonl",
          Set.of(
              DeadLetterReason.MISSING_FIELD,
              DeadLetterReason.MISSING_TIME,
              DeadLetterReason.INVALID_TIME),
          // Doc excerpts holding only policyDelta fragments, or no timestamp.
          "gcp/stratus-red-team_docs_gcp_attack-technique_examples.json",
          Set.of(DeadLetterReason.MISSING_FIELD, DeadLetterReason.MISSING_TIME));

  @TempDir Path dir;

  @Test
  void everyCorpusRecordBecomesAnEventOrAnExpectedDeadLetter() throws IOException {
    Path corpus = sharedDir().resolve("corpus");
    CliRun cli = new CliRun(dir, List.of());

    CliRun.Result result =
        cli.execute(
            "normalize",
            "--out",
            "events.jsonl",
            "--dead-letter",
            "dead.jsonl",
            corpus.toAbsolutePath().toString());

    List<JsonNode> events = readLines(dir.resolve("events.jsonl"));
    List<JsonNode> deadLetters = readLines(dir.resolve("dead.jsonl"));
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);

    Map<String, Long> perFolder = new TreeMap<>();
    for (JsonNode record : concat(events, deadLetters)) {
      String origin = record.get("origin").asText();
      perFolder.merge(origin.substring(0, origin.indexOf('/')), 1L, Long::sum);
    }
    assertThat(perFolder)
        .as("every record of every folder is an event or a dead letter")
        .isEqualTo(
            RECORDS_PER_FOLDER.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue())));

    for (JsonNode letter : deadLetters) {
      String origin = letter.get("origin").asText();
      String file = origin.substring(0, origin.lastIndexOf(':'));
      DeadLetterReason reason = DeadLetterReason.valueOf(letter.get("reason").asText());
      assertThat(ALLOWED_DEAD_LETTERS.getOrDefault(file, Set.of()))
          .as("dead letter %s at %s: %s", reason, origin, letter.get("message").asText())
          .contains(reason);
      assertThat(letter.get("source_guess").isNull()).as("source of " + origin).isFalse();
    }

    int total = RECORDS_PER_FOLDER.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(result.stderrLines().get(0))
        .matches(
            "vigil normalize: \\d+ inputs, "
                + total
                + " records in, "
                + events.size()
                + " events, "
                + deadLetters.size()
                + " dead-lettered");
    assertThat(result.stderr()).doesNotContain("UNKNOWN_FORMAT", "INTERNAL_ERROR");
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static List<JsonNode> readLines(Path file) throws IOException {
    List<JsonNode> nodes = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(MAPPER.readTree(line));
    }
    return nodes;
  }

  /** The shared directory beside the checkout; a missing corpus fails the test. */
  private static Path sharedDir() {
    String configured = System.getProperty("vigil.shared.dir");
    Path shared = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    assertThat(shared.resolve("corpus"))
        .as("the shared corpus (set -Dvigil.shared.dir or put shared/ beside the checkout)")
        .isDirectory();
    return shared;
  }
}
