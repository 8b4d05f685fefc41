package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.ingest.mapping.MappingTableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizerSettingsTest {

  private static final String GCP_ENTRY =
      "{\"insertId\":\"abc123\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
          + "\"timestamp\":\"2024-05-01T10:00:00Z\",\"resource\":{\"type\":\"audited_resource\"},"
          + "\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","
          + "\"serviceName\":\"compute.googleapis.com\",\"methodName\":\"v1.compute.instances.insert\","
          + "\"authenticationInfo\":{\"principalEmail\":\"Admin@Example.com\"}}}";

  private static final String VAULT_ENTRY =
      "{\"time\":\"2024-05-01T10:00:00Z\",\"type\":\"request\",\"auth\":{\"token_type\":\"service\"},"
          + "\"request\":{\"id\":\"r1\",\"operation\":\"read\",\"path\":\"team/break-glass/db\"}}";

  private static final String VAULT_OVERRIDE =
      """
      rules:
        - match: {path: "team/break-glass/*"}
          category: SECRET_ACCESS
          action: read
      """;

  @Test
  void settingsReadWhereTheJobIsConfiguredApplyWhereverTheyAreDeserialized(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("vault.yaml"), VAULT_OVERRIDE);
    NormalizerSettings read =
        NormalizerSettings.load(List.of(" admin@example.com ", ""), Optional.of(dir));
    // The directory is gone by the time the normalizer is built, as on a TaskManager that never
    // saw it: the settings carry the table's text, not its path.
    Files.delete(dir.resolve("vault.yaml"));

    NormalizerSettings travelled = roundTrip(read);
    Normalizer normalizer = Normalizer.builder().settings(travelled).build();

    assertThat(travelled.gcpSuperAdmins()).containsExactly("admin@example.com");
    AuditEvent gcp = normalizeOne(normalizer, GCP_ENTRY);
    assertThat(gcp.getActor().getRoot()).as("a listed super-admin, any case").isTrue();
    AuditEvent vault = normalizeOne(normalizer, VAULT_ENTRY);
    assertThat(vault.getCategory()).isEqualTo(Category.SECRET_ACCESS);
    assertThat(vault.getAction()).isEqualTo("read");
  }

  @Test
  void withoutSettingsTheBuiltInTablesApplyAndNobodyIsRoot() {
    Normalizer normalizer = Normalizer.create();

    assertThat(normalizeOne(normalizer, GCP_ENTRY).getActor().getRoot()).isFalse();
    assertThat(normalizeOne(normalizer, VAULT_ENTRY).getCategory())
        .isNotEqualTo(Category.SECRET_ACCESS);
  }

  @Test
  void aMistakeInATableIsNamedByItsFileAndLineWhenTheSettingsAreRead(@TempDir Path dir)
      throws IOException {
    Path table = dir.resolve("vault.yaml");
    Files.writeString(table, "rules:\n  - match: {path: \"sys/*\"}\n    category: BOGUS\n");

    assertThatThrownBy(() -> NormalizerSettings.load(List.of(), Optional.of(dir)))
        .isInstanceOf(MappingTableException.class)
        .hasMessageStartingWith(table + ":3: rule 1: category 'BOGUS' is not one of [");
  }

  @Test
  void aYamlFileThatIsNoTableIsAnErrorNotIgnored(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("aws.yaml"), "rules: []\n");
    Files.writeString(dir.resolve("README.md"), "not a table\n");

    assertThatThrownBy(() -> NormalizerSettings.load(List.of(), Optional.of(dir)))
        .isInstanceOf(MappingTableException.class)
        .hasMessage(
            dir.resolve("aws.yaml")
                + ": not a mapping table: the tables are named vault.yaml, cloudtrail.yaml,"
                + " azure.yaml, gcp.yaml");
  }

  @Test
  void aTableThatIsNotUtf8IsNamedByItsLine(@TempDir Path dir) throws IOException {
    Path table = dir.resolve("gcp.yaml");
    Files.write(
        table, "rules:\n  # caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> NormalizerSettings.load(List.of(), Optional.of(dir)))
        .hasMessageStartingWith(table + ":2: not UTF-8 text (invalid byte 0xE9");
  }

  @Test
  void aCommaSeparatedListSkipsBlanks() {
    assertThat(NormalizerSettings.commaSeparated(null)).isEmpty();
    assertThat(NormalizerSettings.commaSeparated(" , a@x.io,,b@y.io "))
        .containsExactly("a@x.io", "b@y.io");
  }

  @Test
  void aSuperAdminThatCannotBeAnEmailIsFound() {
    assertThat(NormalizerSettings.firstNonEmail(List.of("a@x.io", " B@Y.io "))).isEmpty();
    assertThat(NormalizerSettings.firstNonEmail(List.of("a@x.io", "breakglass")))
        .contains("breakglass");
    assertThat(NormalizerSettings.firstNonEmail(List.of("user:a@x.io"))).contains("user:a@x.io");
    assertThat(NormalizerSettings.firstNonEmail(List.of("a@x.io b@y.io")))
        .contains("a@x.io b@y.io");
  }

  private static AuditEvent normalizeOne(Normalizer normalizer, String record) {
    CorpusRun.Outcome outcome = CorpusRun.normalizeText(record, normalizer);
    assertThat(outcome.deadLetters()).isEmpty();
    assertThat(outcome.events()).hasSize(1);
    return outcome.events().get(0);
  }

  private static NormalizerSettings roundTrip(NormalizerSettings settings) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(settings);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (NormalizerSettings) in.readObject();
    }
  }
}
