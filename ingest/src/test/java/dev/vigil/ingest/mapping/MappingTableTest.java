package dev.vigil.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.Category;
import dev.vigil.event.Source;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingTableTest {

  private static final String TABLE =
      """
      rules:
        - match: {path: "secret/data/*", operation: read}
          category: SECRET_ACCESS
          action: read
          ocsf_class_uid: 6003
          flags: [kv_v2, sensitive]
        - match: {path: ["sys/policy*", "sys/policies/acl/*"]}
          category: POLICY_CHANGE
          note: both policy endpoints
        - match: {path: "auth/?/login"}
          category: AUTHENTICATION
          action: login
        - match: {path: "v1.2/*"}
          category: SYSTEM
        - match: {path: "*"}
          category: OTHER
      """;

  @Test
  void theFirstMatchingRuleWins() throws IOException {
    MappingTable table = table(TABLE);

    Mapping read =
        table.lookup(Map.of("path", "secret/data/app/db", "operation", "read")).orElseThrow();
    Mapping list =
        table.lookup(Map.of("path", "secret/data/app/db", "operation", "list")).orElseThrow();

    assertThat(read)
        .isEqualTo(new Mapping(Category.SECRET_ACCESS, "read", 6003, Set.of("kv_v2", "sensitive")));
    assertThat(read.has("kv_v2")).isTrue();
    assertThat(read.has("root_credential")).isFalse();
    assertThat(list.category()).isEqualTo(Category.OTHER);
    assertThat(list.action()).isNull();
    assertThat(list.ocsfClassUid()).isNull();
    assertThat(table.size()).isEqualTo(5);
  }

  @Test
  void globsSpanSlashesMatchOneCharacterWithQuestionMarkAndQuoteEverythingElse()
      throws IOException {
    MappingTable table = table(TABLE);

    assertThat(category(table, "sys/policy")).isEqualTo(Category.POLICY_CHANGE);
    assertThat(category(table, "sys/policies/acl/team/a")).isEqualTo(Category.POLICY_CHANGE);
    assertThat(category(table, "auth/x/login")).isEqualTo(Category.AUTHENTICATION);
    assertThat(category(table, "auth/xy/login")).isEqualTo(Category.OTHER);
    assertThat(category(table, "v1.2/a")).isEqualTo(Category.SYSTEM);
    assertThat(category(table, "v1x2/a")).as("a dot is a dot").isEqualTo(Category.OTHER);
  }

  @Test
  void starsBacktrackAndMatchEmptyRuns() throws IOException {
    MappingTable table =
        table(
            """
            rules:
              - match: {path: "*/data/*/x?"}
                category: SECRET_ACCESS
              - match: {path: "a**b*"}
                category: SYSTEM
              - match: {path: "*"}
                category: OTHER
            """);

    assertThat(category(table, "kv/data/data/app/x1")).isEqualTo(Category.SECRET_ACCESS);
    assertThat(category(table, "kv/data//x1")).isEqualTo(Category.SECRET_ACCESS);
    assertThat(category(table, "kv/data/app/x")).isEqualTo(Category.OTHER);
    assertThat(category(table, "kv/data/app/x12")).isEqualTo(Category.OTHER);
    assertThat(category(table, "ab")).isEqualTo(Category.SYSTEM);
    assertThat(category(table, "axxbyy")).isEqualTo(Category.SYSTEM);
    assertThat(category(table, "axxcyy")).isEqualTo(Category.OTHER);
    assertThat(category(table, "")).isEqualTo(Category.OTHER);
  }

  @Test
  void matchingIgnoresCase() throws IOException {
    MappingTable table = table(TABLE);

    assertThat(category(table, "SYS/Policies/ACL/x")).isEqualTo(Category.POLICY_CHANGE);
    assertThat(category(table, "SYS/POLICY")).isEqualTo(Category.POLICY_CHANGE);
    assertThat(
            table
                .lookup(Map.of("path", "SECRET/DATA/a", "operation", "READ"))
                .orElseThrow()
                .category())
        .isEqualTo(Category.SECRET_ACCESS);
    assertThat(category(table(TABLE.replace("path: \"*\"", "path: \"Ärger/*/x\"")), "äRGER/y/X"))
        .isEqualTo(Category.OTHER);
  }

  @Test
  void aKeyTheParserDoesNotSupplyNeverMatches() throws IOException {
    MappingTable table = table("rules:\n  - match: {eventName: \"*\"}\n    category: OTHER\n");

    assertThat(table.lookup(Map.of("path", "x"))).isEmpty();
  }

  @Test
  void errorsNameTheFileAndTheRule() {
    assertThatThrownBy(
            () ->
                table(
                    "rules:\n  - match: {a: b}\n    category: OTHER\n  - match: {a: b}\n    catgory: OTHER\n"))
        .hasMessageStartingWith("t.yaml, rule 2: unknown key 'catgory'");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: b}\n    category: SECRETS\n"))
        .hasMessageStartingWith("t.yaml, rule 1: category 'SECRETS' is not one of");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: b}\n"))
        .hasMessageStartingWith("t.yaml, rule 1: category '' is not one of");
    assertThatThrownBy(() -> table("rules:\n  - category: OTHER\n"))
        .hasMessage("t.yaml, rule 1: 'match' must be a non-empty map");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: {b: c}}\n    category: OTHER\n"))
        .hasMessage("t.yaml, rule 1: match.a must be a string or a list of strings");
    assertThatThrownBy(() -> table("rule:\n  - match: {a: b}\n"))
        .hasMessage("t.yaml: a mapping table needs a top-level 'rules' list");
  }

  @Test
  void valuesOfTheWrongShapeAreErrorsNotSilentlyIgnored() {
    assertThatThrownBy(
            () -> table("rules:\n  - match: {a: b}\n    category: OTHER\n    flags: mfa\n"))
        .hasMessage("t.yaml, rule 1: 'flags' must be a list of strings");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: }\n    category: OTHER\n"))
        .hasMessage("t.yaml, rule 1: match.a must be a string or a list of strings");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: [b, [c]]}\n    category: OTHER\n"))
        .hasMessage("t.yaml, rule 1: match.a must be a string or a list of strings");
    assertThatThrownBy(
            () ->
                table("rules:\n  - match: {a: b}\n    category: OTHER\n    ocsf_class_uid: api\n"))
        .hasMessage("t.yaml, rule 1: 'ocsf_class_uid' must be an integer");
  }

  @Test
  void aUserTableInTheOverrideDirectoryComesFirst(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve(MappingTable.fileName(Source.VAULT)),
        "rules:\n  - match: {path: \"secret/data/break-glass/*\"}\n    category: AUDIT_CONFIG\n");
    MappingTable builtIn = MappingTable.forSource(Source.VAULT);

    MappingTable withOverride = withOverrideDir(dir, () -> MappingTable.forSource(Source.VAULT));

    Map<String, String> keys =
        Map.of(
            "path",
            "secret/data/break-glass/x",
            "operation",
            "read",
            "mount_type",
            "kv",
            "type",
            "request");
    assertThat(withOverride.size()).isEqualTo(builtIn.size() + 1);
    assertThat(withOverride.lookup(keys).orElseThrow().category()).isEqualTo(Category.AUDIT_CONFIG);
    assertThat(builtIn.lookup(keys).map(Mapping::category))
        .isNotEqualTo(java.util.Optional.of(Category.AUDIT_CONFIG));
  }

  @Test
  void aBrokenUserTableIsAnErrorNamingItsFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(MappingTable.fileName(Source.GCP_AUDIT));
    Files.writeString(file, "rules:\n  - match: {methodName: x}\n    category: NOPE\n");

    assertThatThrownBy(() -> withOverrideDir(dir, () -> MappingTable.forSource(Source.GCP_AUDIT)))
        .hasMessageStartingWith(file + ", rule 1: category 'NOPE'");
  }

  @Test
  void aRuleNamesTheRequestFieldsOfItsTarget() throws IOException {
    MappingTable table =
        table(
            "rules:\n  - match: {eventName: DeleteFlowLogs}\n    category: AUDIT_CONFIG\n"
                + "    target: [DeleteFlowLogsRequest.FlowLogId, flowLogIds]\n"
                + "  - match: {eventName: StopLogging}\n    category: AUDIT_CONFIG\n"
                + "    target: name\n"
                + "  - match: {eventName: \"*\"}\n    category: OTHER\n");

    assertThat(table.lookup(Map.of("eventName", "DeleteFlowLogs")).orElseThrow().target())
        .containsExactly("DeleteFlowLogsRequest.FlowLogId", "flowLogIds");
    assertThat(table.lookup(Map.of("eventName", "StopLogging")).orElseThrow().target())
        .containsExactly("name");
    assertThat(table.lookup(Map.of("eventName", "Other")).orElseThrow().target()).isEmpty();
    assertThatThrownBy(
            () -> table("rules:\n  - match: {a: b}\n    category: OTHER\n    target: [[x]]\n"))
        .hasMessage("t.yaml, rule 1: 'target' must be a string or a list of strings");
  }

  @Test
  void onlyTheCloudTrailTableMayNameTargets(@TempDir Path dir) throws IOException {
    String rule =
        "rules:\n  - match: {operationName: x}\n    category: AUDIT_CONFIG\n    target: [id]\n";
    Path azure = dir.resolve(MappingTable.fileName(Source.AZURE_MONITOR));
    Files.writeString(azure, rule);
    Files.writeString(dir.resolve(MappingTable.fileName(Source.AWS_CLOUDTRAIL)), rule);

    assertThatThrownBy(
            () -> withOverrideDir(dir, () -> MappingTable.forSource(Source.AZURE_MONITOR)))
        .hasMessage(
            azure
                + ", rule 1: 'target' is read from cloudtrail.yaml only (CloudTrail"
                + " request fields)");
    assertThat(withOverrideDir(dir, () -> MappingTable.forSource(Source.AWS_CLOUDTRAIL)).size())
        .isEqualTo(MappingTable.forSource(Source.AWS_CLOUDTRAIL).size() + 1);
  }

  @Test
  void everySourceHasABuiltInTableNamedAfterIt() {
    assertThat(MappingTable.fileName(Source.VAULT)).isEqualTo("vault.yaml");
    assertThat(MappingTable.fileName(Source.AWS_CLOUDTRAIL)).isEqualTo("cloudtrail.yaml");
    assertThat(MappingTable.fileName(Source.AZURE_MONITOR)).isEqualTo("azure.yaml");
    assertThat(MappingTable.fileName(Source.GCP_AUDIT)).isEqualTo("gcp.yaml");
  }

  private static MappingTable withOverrideDir(
      Path dir, java.util.function.Supplier<MappingTable> load) {
    String previous = System.getProperty("vigil.mappings.dir");
    System.setProperty("vigil.mappings.dir", dir.toString());
    try {
      return load.get();
    } finally {
      if (previous == null) {
        System.clearProperty("vigil.mappings.dir");
      } else {
        System.setProperty("vigil.mappings.dir", previous);
      }
    }
  }

  private static Category category(MappingTable table, String path) {
    return table.lookup(Map.of("path", path, "operation", "x")).orElseThrow().category();
  }

  private static MappingTable table(String yaml) throws IOException {
    return MappingTable.fromYaml(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "t.yaml");
  }
}
