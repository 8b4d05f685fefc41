package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.yaml.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection flags of {@code retention apply} and {@code dashboards install}: mistakes are one
 * line naming the flag's problem, found before anything is written, and a password is never echoed.
 * No cluster is needed: every case fails before or at connecting.
 */
class OpenSearchOptionsTest {

  private static final String PASSWORD = "correct-horse-battery";

  @TempDir Path dir;

  @Test
  void basicAuthOverPlainHttpIsRefused() {
    CliRun.Result result =
        cli(Map.of(OpenSearchOptions.PASSWORD_ENV, PASSWORD))
            .execute(
                "retention",
                "apply",
                "--opensearch",
                "http://search.example:9200",
                "--user",
                "vigil");

    assertOneLineError(
        result,
        "vigil retention apply: --user: basic auth over plain http would send the password in"
            + " clear; give https URLs to --opensearch");
  }

  @Test
  void aUserWithoutAPasswordNamesTheVariableToSet() {
    CliRun.Result result =
        cli(Map.of())
            .execute(
                "retention", "apply", "--opensearch", "https://127.0.0.1:1", "--user", "vigil");

    assertOneLineError(
        result,
        "vigil retention apply: --user: the password is read from $VIGIL_OPENSEARCH_PASSWORD,"
            + " which is not set or empty; set it, or give --password-file");
  }

  @Test
  void credentialsInTheUrlAreSentToTheFlags() {
    CliRun.Result result =
        cli(Map.of())
            .execute("retention", "apply", "--opensearch", "https://bob:s3cr3t@127.0.0.1:1");

    assertOneLineError(
        result,
        "vigil retention apply: --opensearch: credentials (user:password@) do not go in the"
            + " URL; give the user with --user and the password in $VIGIL_OPENSEARCH_PASSWORD"
            + " or --password-file");
  }

  @Test
  void thePasswordIsReadButNeverShownWhenTheClusterIsUnreachable() {
    CliRun.Result fromEnv =
        cli(Map.of(OpenSearchOptions.PASSWORD_ENV, PASSWORD))
            .execute(
                "retention", "apply", "--opensearch", "https://127.0.0.1:1", "--user", "vigil");

    assertThat(fromEnv.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(fromEnv.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil retention apply: retention failed on OpenSearch at https://127.0.0.1:1: ")
        .doesNotContain(PASSWORD);
    assertThat(fromEnv.stdout()).isEmpty();
  }

  @Test
  void aMissingPasswordFileIsNamed() {
    CliRun.Result result =
        cli(Map.of())
            .execute(
                "retention",
                "apply",
                "--opensearch",
                "https://127.0.0.1:1",
                "--user",
                "vigil",
                "--password-file",
                "missing-password");

    assertOneLineError(
        result,
        "vigil retention apply: --password-file: cannot read password file missing-password:"
            + " no such file or directory");
  }

  @Test
  void aCaFileThatCannotBeLoadedIsNamedByItsFlagAsTyped() throws IOException {
    Files.write(dir.resolve("binary.pem"), new byte[] {0, (byte) 0xFF, (byte) 0xFE, 1});

    CliRun.Result missing =
        cli(Map.of())
            .execute(
                "retention", "apply", "--opensearch", "https://127.0.0.1:1", "--ca-pem", "no.pem");
    CliRun.Result binary =
        cli(Map.of())
            .execute(
                "retention",
                "apply",
                "--opensearch",
                "https://127.0.0.1:1",
                "--ca-pem",
                "binary.pem");

    assertThat(missing.stderrLines())
        .containsExactly(
            "vigil retention apply: --ca-pem: cannot load the CA certificates from no.pem: no such"
                + " file or directory");
    assertThat(binary.stderrLines())
        .containsExactly(
            "vigil retention apply: --ca-pem: cannot load the CA certificates from binary.pem: not"
                + " a PEM file of certificates (no -----BEGIN CERTIFICATE----- block)");
  }

  @Test
  void aMissingRetentionFileIsNamed() {
    CliRun.Result result =
        cli(Map.of()).execute("retention", "apply", "--retention-file", "nowhere.yaml");

    assertOneLineError(
        result,
        "vigil retention apply: retention file " + dir.resolve("nowhere.yaml") + " does not exist");
  }

  @Test
  void aDashboardsUrlThatWouldLeakThePasswordIsRefusedBeforeAnyTemplateIsWritten() {
    CliRun.Result result =
        cli(Map.of(OpenSearchOptions.PASSWORD_ENV, PASSWORD))
            .execute(
                "dashboards",
                "install",
                "--opensearch",
                "https://127.0.0.1:1",
                "--user",
                "vigil",
                "--dashboards",
                "http://dashboards.example:5601");

    assertOneLineError(
        result,
        "vigil dashboards install: --user: basic auth over plain http would send the password"
            + " in clear; give https URLs to --dashboards");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void aUrlThatIsNotHttpIsRefused() {
    CliRun.Result result =
        cli(Map.of()).execute("dashboards", "install", "--opensearch", "ftp://search.example");

    assertOneLineError(
        result,
        "vigil dashboards install: --opensearch: 'ftp://search.example' is not an"
            + " http(s)://host[:port] URL");
  }

  @Test
  void aBadFlagValueIsNamedByTheFlag() {
    CliRun.Result result =
        cli(Map.of())
            .execute(
                "dashboards", "install", "--opensearch", "http://127.0.0.1:9", "--replicas", "-1");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly("vigil dashboards install: --replicas: must be at least 0, got -1");
  }

  @Test
  void configKeysAreReplacedByTheirFlagsOnlyWhole() {
    assertThat(asFlag("opensearch.index.shards", "must be at least 1, got 0"))
        .isEqualTo("--shards: must be at least 1, got 0");
    assertThat(asFlag("opensearch.urls", "must be a non-empty list"))
        .isEqualTo("--opensearch: must be a non-empty list");
    assertThat(asFlag("opensearch.username_env", "x")).isEqualTo("opensearch.username_env: x");
    assertThat(asFlag("opensearch", "set exactly one of url or urls"))
        .isEqualTo("opensearch: set exactly one of url or urls");
    assertThat(OpenSearchOptions.asFlag(new IllegalArgumentException("no key"), "--opensearch"))
        .isEqualTo("no key");
  }

  @Test
  void aMistakeInTheUrlsNamesTheFlagTheyCameFrom() {
    assertThat(
            OpenSearchOptions.asFlag(
                new InvalidConfigException(null, 0, "opensearch.urls", "must be a non-empty list"),
                "--dashboards"))
        .isEqualTo("--dashboards: must be a non-empty list");
  }

  private static String asFlag(String key, String problem) {
    return OpenSearchOptions.asFlag(
        new InvalidConfigException(null, 0, key, problem), "--opensearch");
  }

  private CliRun cli(Map<String, String> environment) {
    return new CliRun(dir, List.of()).environment(environment);
  }

  /** The command failed with exit 1 and said why in this one line. */
  private static void assertOneLineError(CliRun.Result result, String line) {
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines()).containsExactly(line);
  }
}
