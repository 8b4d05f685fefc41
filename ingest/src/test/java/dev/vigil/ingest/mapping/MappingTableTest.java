package dev.vigil.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.Category;
import dev.vigil.event.Source;
import dev.vigil.ingest.azure.AzureMonitorParser;
import dev.vigil.ingest.cloudtrail.CloudTrailParser;
import dev.vigil.ingest.vault.VaultParser;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MappingTableTest {

  /** The keys and flags the tables of these tests use. */
  private static final MappingTable.Schema SCHEMA =
      new MappingTable.Schema(
          Source.VAULT,
          List.of("path", "operation", "eventName", "a"),
          List.of("kv_v2", "sensitive", "mfa"));

  private static final MappingTable.Schema VAULT = VaultParser.TABLE;

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
  void aKeyTheLookupLacksNeverMatches() throws IOException {
    MappingTable table = table("rules:\n  - match: {eventName: \"*\"}\n    category: OTHER\n");

    assertThat(table.lookup(Map.of("path", "x"))).isEmpty();
  }

  @Test
  void errorsNameTheFileTheLineAndTheRule() {
    assertThatThrownBy(
            () ->
                table(
                    "rules:\n  - match: {a: b}\n    category: OTHER\n  - match: {a: b}\n"
                        + "    catgory: OTHER\n"))
        .isInstanceOf(MappingTableException.class)
        .hasMessageStartingWith("t.yaml:5: rule 2: unknown key 'catgory' (allowed: match,");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: b}\n    category: SECRETS\n"))
        .hasMessageStartingWith("t.yaml:3: rule 1: category 'SECRETS' is not one of [AUTH");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: b}\n"))
        .hasMessageStartingWith("t.yaml:2: rule 1: 'category' is required, one of [AUTH");
    assertThatThrownBy(() -> table("rules:\n  - category: OTHER\n"))
        .hasMessage("t.yaml:2: rule 1: 'match' must be a non-empty map of keys to globs");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: {b: c}}\n    category: OTHER\n"))
        .hasMessage("t.yaml:2: rule 1: match.a must be a string or a list of strings");
    assertThatThrownBy(() -> table("rule:\n  - match: {a: b}\n"))
        .hasMessage("t.yaml:1: unknown key 'rule'; a mapping table holds only a 'rules' list");
    assertThatThrownBy(() -> table("# nothing yet\n"))
        .hasMessage("t.yaml: a mapping table needs a top-level 'rules' list");
    assertThatThrownBy(() -> table("rules:\n  - oops\n"))
        .hasMessage("t.yaml:2: rule 1: must be a mapping (match, category, ...)");
  }

  @Test
  void aMatchKeyTheParserDoesNotSupplyIsAnErrorNotARuleThatNeverMatches() {
    assertThatThrownBy(
            () ->
                MappingTable.withOverride(
                    VAULT,
                    "maps/vault.yaml",
                    "rules:\n  - match:\n      pathh: \"sys/*\"\n    category: SECRET_ACCESS\n"))
        .isInstanceOf(MappingTableException.class)
        .hasMessage(
            "maps/vault.yaml:3: rule 1: match key 'pathh' is not one the VAULT parser supplies"
                + " (path, operation, mount_type, mount_class, mount_point, type), so the rule"
                + " would never match; did you mean 'path'?");
  }

  @Test
  void aMistypedNameIsOfferedTheNearestKnownOneAtItsLine() {
    assertThatThrownBy(
            () ->
                MappingTable.withOverride(
                    VAULT,
                    "maps/vault.yaml",
                    "rules:\n  - match: {path: \"sys/*\"}\n    category: SYSTEM\n"
                        + "  - match:\n      opration: delete\n    category: SYSTEM\n"))
        .isInstanceOf(MappingTableException.class)
        .hasMessageStartingWith("maps/vault.yaml:5: rule 2: match key 'opration' is not one")
        .hasMessageEndingWith("so the rule would never match; did you mean 'operation'?");
    assertThatThrownBy(
            () -> table("rules:\n  - match: {a: b}\n    categroy: OTHER\n    acton: read\n"))
        .hasMessageStartingWith("t.yaml:3: rule 1: unknown key 'categroy' (allowed: match,")
        .hasMessageEndingWith("note); did you mean 'category'?");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: b}\n    category: SECRET_ACESS\n"))
        .hasMessageStartingWith("t.yaml:3: rule 1: category 'SECRET_ACESS' is not one of [AUTH")
        .hasMessageEndingWith("OTHER]; did you mean 'SECRET_ACCESS'?");
    // Nothing near: the list alone, no empty suggestion.
    assertThatThrownBy(() -> table("rules:\n  - match: {a: b}\n    category: SECRETS\n"))
        .hasMessageEndingWith("OTHER]");
  }

  @Test
  void aFlagTheParserDoesNotReadIsAnError() {
    assertThatThrownBy(
            () ->
                MappingTable.withOverride(
                    VAULT,
                    "maps/vault.yaml",
                    "rules:\n  - match: {path: \"sys/x\"}\n    category: SYSTEM\n"
                        + "    flags:\n      - mfa\n      - root_credentail\n"))
        .hasMessage(
            "maps/vault.yaml:6: rule 1: flag 'root_credentail' is not one the VAULT parser reads"
                + " (root_credential, token_issue, mfa, dynamic_credential); did you mean"
                + " 'root_credential'?");
  }

  @Test
  void aYamlSyntaxErrorHasItsLine() {
    assertThatThrownBy(
            () ->
                table(
                    "rules:\n  - match: {path: \"a\"}\n    category: OTHER\n"
                        + "  - match: {path: [b, c}\n    category: OTHER\n"))
        .isInstanceOf(MappingTableException.class)
        .hasMessageStartingWith("t.yaml:4: invalid YAML: ");
    assertThatThrownBy(() -> table("rules:\n  - match: {path: a, path: b}\n    category: OTHER\n"))
        .hasMessage("t.yaml:2: duplicate key 'path' (YAML keeps only one of them)");
  }

  @Test
  void valuesOfTheWrongShapeAreErrorsNotSilentlyIgnored() {
    assertThatThrownBy(
            () -> table("rules:\n  - match: {a: b}\n    category: OTHER\n    flags: mfa\n"))
        .hasMessage("t.yaml:4: rule 1: 'flags' must be a list of strings");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: }\n    category: OTHER\n"))
        .hasMessage("t.yaml:2: rule 1: match.a must be a string or a list of strings");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: [b, [c]]}\n    category: OTHER\n"))
        .hasMessage("t.yaml:2: rule 1: match.a must be a string or a list of strings");
    assertThatThrownBy(() -> table("rules:\n  - match: {a: []}\n    category: OTHER\n"))
        .hasMessage("t.yaml:2: rule 1: match.a is an empty list, which nothing matches");
    assertThatThrownBy(
            () ->
                table("rules:\n  - match: {a: b}\n    category: OTHER\n    ocsf_class_uid: api\n"))
        .hasMessage("t.yaml:4: rule 1: 'ocsf_class_uid' must be an integer");
    assertThatThrownBy(
            () -> table("rules:\n  - match: {a: b}\n    category: OTHER\n    action: [read]\n"))
        .hasMessage("t.yaml:4: rule 1: 'action' must be a word");
  }

  @Test
  void aUserTableComesBeforeTheBuiltInRules() {
    MappingTable builtIn = MappingTable.builtIn(VAULT);

    MappingTable withOverride =
        MappingTable.withOverride(
            VAULT,
            "maps/vault.yaml",
            "rules:\n  - match: {path: \"secret/data/break-glass/*\"}\n    category: AUDIT_CONFIG\n");

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
  void aRuleNamesTheRequestFieldsOfItsTarget() {
    MappingTable table =
        MappingTable.of(
            CloudTrailParser.TABLE,
            "cloudtrail.yaml",
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
            () ->
                MappingTable.check(
                    CloudTrailParser.TABLE,
                    "cloudtrail.yaml",
                    "rules:\n  - match: {eventName: x}\n    category: OTHER\n    target: [[x]]\n"))
        .hasMessage("cloudtrail.yaml:4: rule 1: 'target' must be a string or a list of strings");
  }

  @Test
  void onlyTheCloudTrailTableMayNameTargets() {
    String rule =
        "rules:\n  - match: {operationName: x}\n    category: AUDIT_CONFIG\n    target: [id]\n";

    assertThatThrownBy(() -> MappingTable.check(AzureMonitorParser.TABLE, "azure.yaml", rule))
        .hasMessage(
            "azure.yaml:4: rule 1: 'target' is read from cloudtrail.yaml only (CloudTrail"
                + " request fields)");
    assertThat(
            MappingTable.withOverride(
                    CloudTrailParser.TABLE,
                    "cloudtrail.yaml",
                    rule.replace("operationName", "eventName"))
                .size())
        .isEqualTo(MappingTable.builtIn(CloudTrailParser.TABLE).size() + 1);
  }

  @Test
  void everySourceHasABuiltInTableNamedAfterIt() {
    assertThat(MappingTable.fileName(Source.VAULT)).isEqualTo("vault.yaml");
    assertThat(MappingTable.fileName(Source.AWS_CLOUDTRAIL)).isEqualTo("cloudtrail.yaml");
    assertThat(MappingTable.fileName(Source.AZURE_MONITOR)).isEqualTo("azure.yaml");
    assertThat(MappingTable.fileName(Source.GCP_AUDIT)).isEqualTo("gcp.yaml");
  }

  private static Category category(MappingTable table, String path) {
    return table.lookup(Map.of("path", path, "operation", "x")).orElseThrow().category();
  }

  private static MappingTable table(String yaml) throws IOException {
    return MappingTable.of(SCHEMA, "t.yaml", yaml);
  }
}
