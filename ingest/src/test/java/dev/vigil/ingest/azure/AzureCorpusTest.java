package dev.vigil.ingest.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.ActorType;
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
import org.junit.jupiter.api.Test;

/**
 * Every record of {@code corpus/azure} normalizes, or is a dead letter listed here with the genuine
 * defect that keeps it from being an event. An unexpected dead letter, or an expected one that no
 * longer happens, fails the test.
 */
class AzureCorpusTest {

  private static final String STRATUS =
      "stratus-red-team_docs_azure-entra_attack-technique_examples.json";

  /**
   * The Stratus Red Team docs blocks are trimmed excerpts that show only the fields a detection
   * needs; these carry no event time at all (origin is the block's first line).
   */
  private static final Map<String, DeadLetterReason> EXPECTED_DEAD_LETTERS = new LinkedHashMap<>();

  static {
    // Datadog-normalized {"resourceId","evt",...} excerpt (publishxml): no time.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":1", DeadLetterReason.MISSING_TIME);
    // Datadog-normalized excerpt (disk beginGetAccess): no time.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":46", DeadLetterReason.MISSING_TIME);
    // MICROSOFT.KEYVAULT/VAULTS/WRITE excerpt: operationName, category, resultType only.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":61", DeadLetterReason.MISSING_TIME);
    // Key Vault KeyDelete excerpt: no time, no caller.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":69", DeadLetterReason.MISSING_TIME);
    // encryptionScopes/write excerpt: no time.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":77", DeadLetterReason.MISSING_TIME);
    // StorageDelete DeleteBlob excerpt: resourceId but no time.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":96", DeadLetterReason.MISSING_TIME);
    // MICROSOFT.KEYVAULT/VAULTS/DELETE excerpt: no time.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":105", DeadLetterReason.MISSING_TIME);
    // Key Vault KeyDelete excerpt (second technique): no time.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":113", DeadLetterReason.MISSING_TIME);
    // federatedIdentityCredentials/write excerpt: operationName and properties only.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":121", DeadLetterReason.MISSING_TIME);
    // CognitiveServices accounts/write REST excerpt: no eventTimestamp.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":135", DeadLetterReason.MISSING_TIME);
    // CognitiveServices listKeys REST excerpt: no eventTimestamp.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":155", DeadLetterReason.MISSING_TIME);
    // Entra audit ApplicationManagement excerpt (Graph shape): no activityDateTime.
    EXPECTED_DEAD_LETTERS.put(STRATUS + ":176", DeadLetterReason.MISSING_TIME);
  }

  private final Normalizer normalizer =
      Normalizer.builder().parser(new AzureMonitorParser()).build();

  @Test
  void everyRecordNormalizesOrIsAnExpectedDeadLetter() {
    List<AuditEvent> events = new ArrayList<>();
    Map<String, DeadLetterReason> deadLetters = new LinkedHashMap<>();
    for (Path file : CorpusRun.files("azure")) {
      CorpusRun.Outcome outcome = CorpusRun.normalize(file, normalizer);
      assertThat(outcome.total()).as("records of %s", file.getFileName()).isPositive();
      events.addAll(outcome.events());
      for (DeadLetter deadLetter : outcome.deadLetters()) {
        deadLetters.put(deadLetter.getOrigin(), deadLetter.getReason());
        assertThat(deadLetter.getSourceGuess()).isEqualTo(Source.AZURE_MONITOR);
        assertThat(deadLetter.getMessage()).contains("time");
      }
    }
    assertThat(deadLetters).isEqualTo(EXPECTED_DEAD_LETTERS);
    // SOURCES.md counts 324 Azure records; the 12 above are the only ones without a time.
    assertThat(events).hasSize(324 - EXPECTED_DEAD_LETTERS.size());
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.getSource()).isEqualTo(Source.AZURE_MONITOR);
              assertThat(event.getEventId()).isNotBlank();
              assertThat(event.getOperation()).isNotBlank();
              assertThat(event.getAction()).isNotBlank();
              assertThat(event.getOcsfClassUid()).isIn(3002, 3007, 3008, 6003);
              assertThat(event.getRaw()).startsWith("{");
            });
  }

  /**
   * Key Vault callers that are applications (data-plane AuditEvent and activity log alike) are
   * named by their app id: their records carry only the app id and object id claims, no display
   * name, so there is no human-readable name to map. A name claim would win over the app id.
   */
  @Test
  void keyVaultApplicationsAreNamedByTheirAppIdForTheirRecordsNameNoOther() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int applications = 0;
    for (Path file : CorpusRun.files("azure")) {
      for (AuditEvent event : CorpusRun.normalize(file, normalizer).events()) {
        String targetType = event.getTarget().getType();
        if (targetType == null
            || !targetType.startsWith("microsoft.keyvault")
            || event.getActor().getType() != ActorType.SERVICE) {
          continue;
        }
        JsonNode identity = json.readTree(event.getRaw()).path("identity");
        JsonNode claims = identity.has("claims") ? identity.get("claims") : identity.path("claim");
        List<String> claimNames = new ArrayList<>();
        claims.fieldNames().forEachRemaining(claimNames::add);
        assertThat(claimNames)
            .as("claims of " + event.getOrigin())
            .allMatch(name -> name.equals("appid") || name.endsWith("/objectidentifier"));
        assertThat(event.getActor().getName())
            .as("actor.name of " + event.getOrigin())
            .isEqualTo(claims.path("appid").textValue());
        applications++;
      }
    }
    assertThat(applications).as("Key Vault callers that are applications").isGreaterThan(0);
  }

  @Test
  void normalizingTwiceGivesTheSameIds() {
    for (Path file : CorpusRun.files("azure")) {
      List<String> first =
          CorpusRun.normalize(file, normalizer).events().stream()
              .map(AuditEvent::getEventId)
              .toList();
      List<String> second =
          CorpusRun.normalize(file, Normalizer.builder().parser(new AzureMonitorParser()).build())
              .events()
              .stream()
              .map(AuditEvent::getEventId)
              .toList();
      assertThat(second).as("ids of %s", file.getFileName()).isEqualTo(first);
    }
  }
}
