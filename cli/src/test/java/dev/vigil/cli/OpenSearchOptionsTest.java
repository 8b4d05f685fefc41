package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

  @Test
  void everyOpenSearchCommandReadsTheConnectionFromConfigAndItsFlagsWin() throws IOException {
    writeConfig("opensearch:\n  url: http://127.0.0.1:9\n");

    CliRun.Result retention = cli(Map.of()).execute("retention", "apply", "--config", "etc/v.yaml");
    CliRun.Result dashboards =
        cli(Map.of()).execute("dashboards", "install", "--config", "etc/v.yaml");
    CliRun.Result flagWins =
        cli(Map.of())
            .execute(
                "retention",
                "apply",
                "--config",
                "etc/v.yaml",
                "--opensearch",
                "http://127.0.0.1:1");

    assertThat(retention.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil retention apply: retention failed on OpenSearch at http://127.0.0.1:9: ");
    assertThat(dashboards.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil dashboards install: installing the index templates failed on OpenSearch at"
                + " http://127.0.0.1:9: ");
    assertThat(flagWins.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil retention apply: retention failed on OpenSearch at http://127.0.0.1:1: ");
  }

  /**
   * A flag that sets one key of a mapping of the file ({@code --ca-pem} in {@code tls}, {@code
   * --replicas} in {@code index}) keeps the file's other keys, and OpenSearch Dashboards is logged
   * in to as the file says, like OpenSearch.
   */
  @Test
  void aFlagReplacesOnlyItsKeyAndDashboardsShareTheFilesLogin() throws IOException {
    writeConfig(
        """
        opensearch:
          urls: [https://search.example:9200]
          username: vigil
          password_file: opensearch-password
          tls: {verify_hostname: false}
          index: {shards: 3, prefix: vigil-staging-}
        """);
    CliEnvironment env =
        new CliEnvironment(
            InputStream.nullInputStream(),
            OutputStream.nullOutputStream(),
            new PrintWriter(new StringWriter()),
            dir,
            false,
            false,
            List.of(),
            Map.of());
    OpenSearchOptions options = new OpenSearchOptions();
    new CommandLine(options).parseArgs("--config", "etc/v.yaml", "--ca-pem", "ca.pem");

    OpenSearchConfig cluster =
        options.cluster(env, section -> section.putObject("index").put("replicas", 0));
    OpenSearchConfig dashboards = options.sameLoginFor(env, "https://dashboards.example:5601");

    assertThat(cluster.index().shards()).isEqualTo(3);
    assertThat(cluster.index().replicas()).isZero();
    assertThat(cluster.index().prefix()).isEqualTo("vigil-staging-");
    assertThat(cluster.tls().verifyHostname()).isFalse();
    assertThat(cluster.tls().caPem()).isEqualTo(dir.resolve("ca.pem").toString());
    assertThat(cluster.password().file())
        .isEqualTo(dir.resolve("etc/opensearch-password").toString());
    assertThat(dashboards.urls()).containsExactly(URI.create("https://dashboards.example:5601"));
    assertThat(dashboards.username()).isEqualTo("vigil");
    assertThat(dashboards.password()).isEqualTo(cluster.password());
    assertThat(dashboards.tls()).isEqualTo(cluster.tls());
  }

  /**
   * A mistake of the file is located in it, by every command, also one found only when connecting
   * (a password variable not set); one the flags made is named by the flag.
   */
  @Test
  void mistakesAreNamedWhereTheyWereMadeInTheFileOrByAFlag() throws IOException {
    writeConfig(
        """
        opensearch:
          url: https://127.0.0.1:1
          username: vigil
          password_env: SEARCH_PASSWORD
        """);
    Files.writeString(dir.resolve("etc/broken.yaml"), "opensearch:\n  url: [\n");

    assertOneLineError(
        cli(Map.of()).execute("retention", "apply", "--config", "etc/v.yaml"),
        "vigil retention apply: etc/v.yaml:4: opensearch.password_env: environment variable"
            + " SEARCH_PASSWORD is not set or empty");
    assertOneLineError(
        cli(Map.of())
            .execute("report", "--period", "2026-Q3", "--config", "etc/v.yaml", "--out", "x"),
        "vigil report: etc/v.yaml:4: opensearch.password_env: environment variable"
            + " SEARCH_PASSWORD is not set or empty");
    assertOneLineError(
        cli(Map.of()).execute("retention", "apply", "--config", "etc/v.yaml", "--user", "ops"),
        "vigil retention apply: --user: the password is read from $VIGIL_OPENSEARCH_PASSWORD,"
            + " which is not set or empty; set it, or give --password-file");
    assertOneLineError(
        cli(Map.of())
            .execute(
                "dashboards",
                "install",
                "--config",
                "etc/v.yaml",
                "--dashboards",
                "http://dashboards.example:5601"),
        "vigil dashboards install: --dashboards: basic auth over plain http would send the"
            + " password in clear; use https urls");
    assertOneLineError(
        cli(Map.of()).execute("dashboards", "install", "--config", "etc/v.yaml", "--shards", "0"),
        "vigil dashboards install: --shards: must be at least 1, got 0");
    assertThat(
            cli(Map.of())
                .execute("dashboards", "install", "--config", "etc/broken.yaml")
                .stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil dashboards install: etc/broken.yaml:3: invalid YAML: ");
    assertOneLineError(
        cli(Map.of())
            .execute(
                "retention",
                "apply",
                "--opensearch",
                "https://127.0.0.1:1",
                "--password-file",
                "pw"),
        "vigil retention apply: --password-file: a password needs a user; give it with --user");
  }

  private void writeConfig(String text) throws IOException {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/v.yaml"), text);
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
