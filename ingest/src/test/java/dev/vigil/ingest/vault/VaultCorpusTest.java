package dev.vigil.ingest.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.spi.EventIds;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every record of {@code corpus/vault} becomes an event, or a dead letter listed here with its
 * defect. The per-file counts prove that the splitter and normalizer handle every container shape
 * of the corpus: NDJSON, concatenated pretty-printed objects, and one pretty object with {@code " :
 * "} spacing.
 */
class VaultCorpusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Records of corpus/vault expected to be dead-lettered: origin → reason and the defect. There are
   * none: every entry in the corpus, even the synthetic ones, is a well-formed audit entry.
   */
  private static final Map<String, String> EXPECTED_DEAD_LETTERS = Map.of();

  /** Entries per file as SOURCES.md counts them, and the container shape each file has. */
  private static final Map<String, Integer> ENTRIES_PER_FILE = new LinkedHashMap<>();

  static {
    // single pretty-printed object, " : " spacing
    ENTRIES_PER_FILE.put(
        "datadog_integrations-core_vault_tests_sample_sys-policies-acl-write.json", 1);
    // NDJSON
    ENTRIES_PER_FILE.put("elastic_hashicorp_vault_sample_logs_audit.ndjson", 2);
    ENTRIES_PER_FILE.put("elastic_hashicorp_vault_test-audit.log", 13);
    ENTRIES_PER_FILE.put("elastic_hashicorp_vault_test-faked-all-fields.log", 4);
    ENTRIES_PER_FILE.put("kawsark_awx-approle-ansible_README_approle-login.jsonl", 3);
    // concatenated pretty-printed objects (jq output)
    ENTRIES_PER_FILE.put("tallen-hashicorp_vault-tfc-jwt_audit.json", 12);
  }

  private final Normalizer normalizer = Normalizer.builder().parser(new VaultParser()).build();

  @Test
  void everyRecordNormalizesOrIsAnExpectedDeadLetter() throws Exception {
    List<Path> files = CorpusRun.files("vault");
    assertThat(files.stream().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrderElementsOf(ENTRIES_PER_FILE.keySet());
    int events = 0;
    for (Path file : files) {
      CorpusRun.Outcome outcome = CorpusRun.normalize(file, normalizer);
      String name = file.getFileName().toString();
      assertThat(outcome.total()).as("entries in " + name).isEqualTo(ENTRIES_PER_FILE.get(name));
      for (DeadLetter deadLetter : outcome.deadLetters()) {
        assertThat(EXPECTED_DEAD_LETTERS)
            .as(
                "unexpected dead letter at %s: %s %s",
                deadLetter.getOrigin(), deadLetter.getReason(), deadLetter.getMessage())
            .containsKey(deadLetter.getOrigin());
      }
      for (AuditEvent event : outcome.events()) {
        assertThat(event.getSource()).isEqualTo(Source.VAULT);
        assertThat(event.getEventId()).isNotBlank();
        assertThat(event.getOrigin()).startsWith(name + ":");
        assertThat(JSON.readTree(event.getRaw()).isObject()).isTrue();
        assertNoBodyValueOutsideRaw(event);
      }
      events += outcome.events().size();
    }
    assertThat(events).isEqualTo(35 - EXPECTED_DEAD_LETTERS.size());
  }

  @Test
  void requestAndResponseEntriesOfOneRequestShareTheRequestKey() {
    CorpusRun.Outcome outcome =
        CorpusRun.normalize(
            CorpusRun.file("vault/elastic_hashicorp_vault_test-audit.log"), normalizer);
    Map<String, Long> entriesPerRequest = new LinkedHashMap<>();
    for (AuditEvent event : outcome.events()) {
      entriesPerRequest.merge(EventIds.requestKey(event), 1L, Long::sum);
    }
    assertThat(entriesPerRequest)
        .containsEntry("cd09708b-11cc-2985-648b-cfe262cf7e50", 2L)
        .containsEntry("24ac580b-805a-d9ee-4d0d-7046932f4e05", 2L)
        .containsEntry("0042ad1b-1400-7eb7-5e25-1dfc898c1998", 2L)
        .containsEntry("3aa3f349-b55a-53e3-a795-dd4137d64299", 2L);
  }

  @Test
  void theSameRecordAlwaysGetsTheSameEventId() {
    for (Path file : CorpusRun.files("vault")) {
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

  /**
   * DESIGN.md's `operation` is the source's own name: for an HTTP entry Vault's {@code
   * request.operation} as written, for a KMIP entry {@code kmip:<operation>}. A rule on Vault
   * operations reads the canonical field, as one on CloudTrail's eventName does.
   */
  @Test
  void theOperationIsVaultsOwnRequestOperation() throws Exception {
    int kmip = 0;
    for (Path file : CorpusRun.files("vault")) {
      for (AuditEvent event : CorpusRun.normalize(file, normalizer).events()) {
        JsonNode record = JSON.readTree(event.getRaw());
        String type = record.path("type").asText();
        if (type.startsWith("kmip-")) {
          kmip++;
          assertThat(event.getOperation()).as(event.getOrigin()).startsWith("kmip:");
        } else {
          assertThat(event.getOperation())
              .as(event.getOrigin())
              .isEqualTo(record.path("request").path("operation").textValue());
        }
      }
    }
    assertThat(kmip).as("KMIP entries in the corpus").isPositive();
  }

  /**
   * Vault's HMAC promise: no string found only in request.data or response.data (a secret's HMAC, a
   * redacted value) appears in the event outside raw. Strings that Vault also writes in the auth
   * blocks (a token accessor echoed by lookup-self) are the actor's, not the body's.
   */
  private static void assertNoBodyValueOutsideRaw(AuditEvent event) throws Exception {
    JsonNode record = JSON.readTree(event.getRaw());
    Set<String> bodyValues = new HashSet<>();
    collectStrings(record.path("request").path("data"), bodyValues, true);
    collectStrings(record.path("response").path("data"), bodyValues, true);
    Set<String> authValues = new HashSet<>();
    collectStrings(record.path("auth"), authValues, false);
    collectStrings(record.path("response").path("auth"), authValues, false);
    bodyValues.removeAll(authValues);

    JsonNode eventJson = JSON.readTree(EventJson.toJson(event));
    ((com.fasterxml.jackson.databind.node.ObjectNode) eventJson).remove("raw");
    Set<String> eventValues = new HashSet<>();
    collectStrings(eventJson, eventValues, false);
    eventValues.retainAll(bodyValues);
    assertThat(eventValues).as("body values copied into " + event.getOrigin()).isEmpty();
  }

  private static void collectStrings(JsonNode node, Set<String> out, boolean withKeys) {
    if (node.isTextual()) {
      out.add(node.textValue());
    } else if (node.isContainerNode()) {
      node.forEach(child -> collectStrings(child, out, withKeys));
      if (withKeys && node.isObject()) {
        // Keys of response.data can be paths (capabilities-self answers per path): body too.
        node.fieldNames()
            .forEachRemaining(
                key -> {
                  if (key.indexOf('/') >= 0) {
                    out.add(key);
                  }
                });
      }
    }
  }
}
