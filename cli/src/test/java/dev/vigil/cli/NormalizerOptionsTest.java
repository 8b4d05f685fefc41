package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --gcp-super-admins} and {@code --mappings-dir} (and their environment variables) of the
 * commands that normalize files: applied with the real parsers, and every mistake one line naming
 * the table's file and line before any input is read or any job starts.
 */
class NormalizerOptionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String GCP_ENTRY =
      "{\"insertId\":\"abc123\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
          + "\"timestamp\":\"2024-05-01T10:00:00Z\",\"resource\":{\"type\":\"audited_resource\"},"
          + "\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","
          + "\"serviceName\":\"compute.googleapis.com\",\"methodName\":\"v1.compute.instances.insert\","
          + "\"authenticationInfo\":{\"principalEmail\":\"admin@example.com\"}}}";

  private static final String VAULT_ENTRY =
      "{\"time\":\"2024-05-01T10:00:00Z\",\"type\":\"request\",\"auth\":{\"token_type\":\"service\"},"
          + "\"request\":{\"id\":\"r1\",\"operation\":\"read\",\"path\":\"team/break-glass/db\"}}";

  @TempDir Path dir;
  private CliRun cli;

  @BeforeEach
  void setUp() throws IOException {
    cli = new CliRun(dir, List.of());
    Files.writeString(dir.resolve("in.log"), GCP_ENTRY + "\n" + VAULT_ENTRY + "\n");
    Files.createDirectories(dir.resolve("maps"));
  }

  @Test
  void theSuperAdminsAndTheUsersTablesApplyToNormalize() throws IOException {
    Files.writeString(
        dir.resolve("maps/vault.yaml"),
        "rules:\n  - match: {path: \"team/break-glass/*\"}\n    category: SECRET_ACCESS\n");

    CliRun.Result given =
        cli.execute(
            "normalize",
            "--gcp-super-admins",
            "Admin@Example.com",
            "--mappings-dir",
            "maps",
            "in.log");
    CliRun.Result without = cli.execute("normalize", "in.log");

    assertThat(given.exitCode()).as(given.stderr()).isZero();
    assertThat(root(given.stdoutLines().get(0))).isTrue();
    assertThat(category(given.stdoutLines().get(1))).isEqualTo("SECRET_ACCESS");
    assertThat(root(without.stdoutLines().get(0))).isFalse();
    assertThat(category(without.stdoutLines().get(1))).isNotEqualTo("SECRET_ACCESS");
  }

  @Test
  void theEnvironmentVariablesAreTheDefaultsAndTheOptionsWin() throws IOException {
    Files.writeString(
        dir.resolve("maps/vault.yaml"),
        "rules:\n  - match: {path: \"team/*\"}\n    category: POLICY_CHANGE\n");
    cli.environment(
        Map.of(
            "VIGIL_GCP_SUPER_ADMINS", "someone@example.com,admin@example.com",
            "VIGIL_MAPPINGS_DIR", "maps"));

    CliRun.Result fromEnvironment = cli.execute("normalize", "in.log");
    CliRun.Result overridden =
        cli.execute("normalize", "--gcp-super-admins", "other@example.com", "in.log");

    assertThat(root(fromEnvironment.stdoutLines().get(0))).isTrue();
    assertThat(category(fromEnvironment.stdoutLines().get(1))).isEqualTo("POLICY_CHANGE");
    assertThat(root(overridden.stdoutLines().get(0))).isFalse();
    assertThat(category(overridden.stdoutLines().get(1))).isEqualTo("POLICY_CHANGE");
  }

  @Test
  void aMistakeInATableIsOneLineWithItsFileAndLine() throws IOException {
    Files.writeString(
        dir.resolve("maps/vault.yaml"),
        "rules:\n  - match: {path: \"sys/*\"}\n    category: BOGUS\n");

    CliRun.Result result = cli.execute("normalize", "--mappings-dir", "maps", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil normalize: "
                + Path.of("maps", "vault.yaml")
                + ":3: rule 1: category 'BOGUS' is not one of [");
  }

  @Test
  void aMisspelledMatchKeyIsRefusedNotSilentlyNeverMatched() throws IOException {
    Files.writeString(
        dir.resolve("maps/vault.yaml"),
        "rules:\n  - match: {pathh: \"sys/*\"}\n    category: SECRET_ACCESS\n    action: read\n");

    CliRun.Result result = cli.execute("normalize", "--mappings-dir", "maps", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: "
                + Path.of("maps", "vault.yaml")
                + ":2: rule 1: match key 'pathh' is not one the VAULT parser supplies (path,"
                + " operation, mount_type, mount_class, mount_point, type), so the rule would never"
                + " match; did you mean 'path'?");
  }

  @Test
  void aYamlSyntaxErrorInATableFromTheEnvironmentHasItsLine() throws IOException {
    Files.writeString(
        dir.resolve("maps/gcp.yaml"),
        "rules:\n  - match: {methodName: a}\n    category: OTHER\n  - match: {methodName: [b}\n");
    cli.environment(Map.of("VIGIL_MAPPINGS_DIR", "maps"));

    CliRun.Result result = cli.execute("normalize", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil normalize: " + Path.of("maps", "gcp.yaml") + ":4: invalid YAML: ");
  }

  @Test
  void aDirectoryOrSuperAdminThatIsNotThereIsNamedAsGiven() {
    CliRun.Result option = cli.execute("normalize", "--mappings-dir", "nowhere", "in.log");
    CliRun.Result variable =
        cli.environment(Map.of("VIGIL_MAPPINGS_DIR", "elsewhere")).execute("normalize", "in.log");
    CliRun.Result admin =
        new CliRun(dir, List.of())
            .execute("normalize", "--gcp-super-admins", "admin@example.com,breakglass", "in.log");

    assertThat(option.stderrLines())
        .containsExactly("vigil normalize: --mappings-dir nowhere: no such directory");
    assertThat(variable.stderrLines())
        .containsExactly("vigil normalize: VIGIL_MAPPINGS_DIR=elsewhere: no such directory");
    assertThat(admin.stderrLines())
        .containsExactly(
            "vigil normalize: --gcp-super-admins: must list emails (admin@example.com), got"
                + " 'breakglass'");
    assertThat(List.of(option.exitCode(), variable.exitCode(), admin.exitCode())).containsOnly(1);
  }

  @Test
  void detectAndBacktestCheckTheTablesBeforeTheJobStarts() throws IOException {
    Files.writeString(
        dir.resolve("maps/cloudtrail.yaml"),
        "rules:\n  - match: {eventName: GetX}\n    category: OTHER\n    flags: [root]\n");
    String rules = Path.of("..", "rules", "any").toAbsolutePath().normalize().toString();

    CliRun.Result detect = cli.execute("detect", "--mappings-dir", "maps", "in.log");
    CliRun.Result backtest =
        cli.execute("rules", "backtest", "--rules", rules, "--mappings-dir", "maps", "in.log");

    String expected =
        ": "
            + Path.of("maps", "cloudtrail.yaml")
            + ":4: rule 1: flag 'root' is not one the AWS_CLOUDTRAIL parser reads"
            + " (requires_decryption, root_credential); did you mean 'root_credential'?";
    assertThat(detect.exitCode()).isEqualTo(1);
    assertThat(detect.stderrLines()).containsExactly("vigil detect" + expected);
    assertThat(backtest.exitCode()).isEqualTo(1);
    assertThat(backtest.stderrLines()).containsExactly("vigil rules backtest" + expected);
  }

  @Test
  void aServiceThatCannotBeLoadedIsOneLineNotAStackTrace() throws IOException {
    SourceParser broken =
        new SourceParser() {
          @Override
          public Source source() {
            return Source.VAULT;
          }

          @Override
          public int recognize(SourceRecord record) {
            throw new ServiceConfigurationError("a.b.Provider: Provider a.b.C not found");
          }

          @Override
          public AuditEvent parse(SourceRecord record) {
            throw new AssertionError("never recognized");
          }
        };

    CliRun.Result result = new CliRun(dir, List.of(broken)).execute("normalize", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: the installation is broken (a.b.Provider: Provider a.b.C not"
                + " found); rebuild it (./mvnw -B -q package -DskipTests) or reinstall");
  }

  private static boolean root(String eventLine) throws IOException {
    JsonNode event = JSON.readTree(eventLine);
    return event.path("actor").path("root").asBoolean();
  }

  private static String category(String eventLine) throws IOException {
    return JSON.readTree(eventLine).path("category").asText();
  }
}
