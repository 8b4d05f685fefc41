package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;

/** {@code vigil retention apply} on a real OpenSearch node, with indices dated from today. */
@RealOpenSearch
class RetentionCommandITCase {

  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd");

  /** Kept a year, ended over a year ago. */
  private static final String OLD_SECRETS =
      "vigil-events-secret-" + TODAY.minusYears(2).format(MONTH);

  /** Kept 90 days, ended 199 days ago. */
  private static final String OLD_LOGINS = "vigil-events-auth-" + TODAY.minusDays(200).format(DAY);

  private static final String NEW_SECRETS = "vigil-events-secret-" + TODAY.format(MONTH);
  private static final String NEW_LOGINS = "vigil-events-auth-" + TODAY.format(DAY);
  private static final String SEALS = "vigil-events-seal-2001.01";
  private static final String HAND_MADE = "vigil-notes-of-an-analyst";

  @TempDir static Path dir;
  private static String url;
  private static OpenSearchConnection connection;
  private static OpenSearchClient client;

  @BeforeAll
  static void createIndices(OpenSearchEndpoint openSearch) throws IOException {
    url = openSearch.url().toString();
    connection = OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
    client = connection.client();
    for (String index :
        List.of(OLD_SECRETS, OLD_LOGINS, NEW_SECRETS, NEW_LOGINS, SEALS, HAND_MADE)) {
      client.indices().create(c -> c.index(index));
    }
  }

  @AfterAll
  static void close() throws IOException {
    connection.close();
  }

  @Test
  void aDryRunPrintsWhatWouldGoAndDeletesNothingThenApplyDeletesExactlyThat() throws IOException {
    CliRun.Result dryRun = cli().execute("retention", "apply", "--dry-run", "--opensearch", url);

    assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
    assertThat(dryRun.stdoutLines())
        .contains(
            "would delete  "
                + OLD_SECRETS
                + "  family events-secret, deletable since "
                + TODAY.minusYears(2).withDayOfMonth(1).plusMonths(1).plusYears(1),
            "would delete  "
                + OLD_LOGINS
                + "  family events-auth, deletable since "
                + TODAY.minusDays(199).plusDays(90),
            "keep forever  " + SEALS + "  family events-seal",
            "unmanaged     " + HAND_MADE)
        .anyMatch(
            line -> line.startsWith("keep          " + NEW_SECRETS + "  family events-secret"))
        .anyMatch(line -> line.startsWith("keep          " + NEW_LOGINS + "  family events-auth"));
    assertThat(dryRun.stderr()).contains("would be deleted (dry run)");
    assertThat(existing()).contains(OLD_SECRETS, OLD_LOGINS);

    CliRun.Result applied = cli().execute("retention", "apply", "--opensearch", url);

    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdoutLines().stream().filter(line -> line.startsWith("delete ")))
        .anyMatch(line -> line.contains(OLD_SECRETS))
        .anyMatch(line -> line.contains(OLD_LOGINS))
        .noneMatch(line -> line.contains(NEW_SECRETS) || line.contains(NEW_LOGINS));
    assertThat(applied.stderrLines().get(0))
        .matches(
            "vigil retention apply: \\d+ vigil-\\* indices, \\d+ deleted, \\d+ kept, \\d+ unmanaged");
    assertThat(existing())
        .doesNotContain(OLD_SECRETS, OLD_LOGINS)
        .contains(NEW_SECRETS, NEW_LOGINS, SEALS, HAND_MADE);
  }

  @Test
  void aRetentionFileDecidesTheClasses() throws IOException {
    Path file = dir.resolve("retention.yaml");
    // Only a 'general' class: the auth and secret indices become unmanaged and are kept.
    Files.writeString(
        file,
        """
        default_class: general
        classes:
          - name: general
            retention: 30d
        alerts: {retention: 2y}
        dead_letters: {retention: 1y}
        """);

    CliRun.Result dryRun =
        cli()
            .execute(
                "retention",
                "apply",
                "--dry-run",
                "--opensearch",
                url,
                "--retention-file",
                file.toString());

    assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
    assertThat(dryRun.stdoutLines())
        .contains("unmanaged     " + NEW_SECRETS, "unmanaged     " + SEALS);
  }

  @Test
  void anUnreachableClusterIsOneLineNamingIt() {
    CliRun.Result result =
        cli().execute("retention", "apply", "--opensearch", "http://127.0.0.1:9");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil retention apply: retention failed on OpenSearch at http://127.0.0.1:9: ");
  }

  private static CliRun cli() {
    return new CliRun(dir, List.of());
  }

  private static List<String> existing() throws IOException {
    return client.cat().indices(r -> r.index("vigil-*")).valueBody().stream()
        .map(record -> record.index())
        .toList();
  }
}
