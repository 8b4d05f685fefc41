package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;

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

  /** Kept 90 days, ended 249 days ago, but holds the event behind {@link #ALERTS}' alert. */
  private static final String CITED_LOGINS =
      "vigil-events-auth-" + TODAY.minusDays(250).format(DAY);

  /** Kept 2 years: this month's alerts. */
  private static final String ALERTS = "vigil-alerts-" + TODAY.format(MONTH);

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
    // The templates give event_id and event_ids their keyword mappings, as in production.
    new TemplateInstaller(client, new IndexSettings(1, 0, Duration.ofSeconds(1))).install();
    for (String index :
        List.of(
            OLD_SECRETS,
            OLD_LOGINS,
            CITED_LOGINS,
            ALERTS,
            NEW_SECRETS,
            NEW_LOGINS,
            SEALS,
            HAND_MADE)) {
      client.indices().create(c -> c.index(index));
    }
    client.index(
        i ->
            i.index(CITED_LOGINS)
                .id("login-behind-alert")
                .document(Map.of("event_id", "login-behind-alert")));
    client.index(
        i ->
            i.index(ALERTS)
                .id("alert-1")
                .document(Map.of("alert_id", "alert-1", "event_ids", List.of("login-behind-alert")))
                .refresh(Refresh.True));
    client.indices().refresh(r -> r.index(CITED_LOGINS));
  }

  @AfterAll
  static void close() throws IOException {
    connection.close();
  }

  @Test
  void expiredIndicesWrittenTodayAreKeptUntilDeleteRecentAndEvidenceOfKeptAlertsAlways()
      throws IOException {
    // Every index here was created today: the expired ones are what a backfill leaves.
    LocalDate oldSecretsSince = TODAY.minusYears(2).withDayOfMonth(1).plusMonths(1).plusYears(1);
    LocalDate oldLoginsSince = TODAY.minusDays(199).plusDays(90);
    CliRun.Result dryRun = cli().execute("retention", "apply", "--dry-run", "--opensearch", url);

    assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
    assertThat(dryRun.stdoutLines())
        .contains(
            "keep recent    "
                + OLD_SECRETS
                + "  family events-secret, deletable since "
                + oldSecretsSince
                + " by event time, but written "
                + TODAY
                + ": kept until "
                + TODAY.plusDays(30)
                + " (--delete-recent deletes it now)",
            "keep forever   " + SEALS + "  family events-seal",
            "unmanaged      " + HAND_MADE)
        .anyMatch(line -> line.startsWith("keep recent    " + OLD_LOGINS + "  family events-auth"))
        .anyMatch(
            line -> line.startsWith("keep           " + NEW_SECRETS + "  family events-secret"))
        .anyMatch(line -> line.startsWith("keep           " + NEW_LOGINS + "  family events-auth"))
        .noneMatch(line -> line.startsWith("would delete"));
    assertThat(dryRun.stderr())
        .contains("would be deleted (dry run)", "written in the last 30 days");

    CliRun.Result kept = cli().execute("retention", "apply", "--opensearch", url);

    assertThat(kept.exitCode()).as(kept.stderr()).isZero();
    assertThat(kept.stdoutLines()).noneMatch(line -> line.startsWith("delete "));
    assertThat(existing()).contains(OLD_SECRETS, OLD_LOGINS, CITED_LOGINS);

    CliRun.Result applied =
        cli().execute("retention", "apply", "--delete-recent", "--opensearch", url);

    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdoutLines())
        .contains(
            "delete         "
                + OLD_LOGINS
                + "  family events-auth, deletable since "
                + oldLoginsSince
                + " by event time; written "
                + TODAY
                + ", deleted for its event time (--delete-recent)",
            "keep evidence  "
                + CITED_LOGINS
                + "  family events-auth, deletable since "
                + TODAY.minusDays(249).plusDays(90)
                + " by event time, but holds 1 event behind kept alerts: kept until "
                + TODAY.withDayOfMonth(1).plusMonths(1).plusYears(2)
                + ", when they expire");
    assertThat(applied.stdoutLines().stream().filter(line -> line.startsWith("delete ")))
        .anyMatch(line -> line.contains(OLD_SECRETS))
        .noneMatch(line -> line.contains(NEW_SECRETS) || line.contains(NEW_LOGINS));
    assertThat(applied.stderrLines().get(0))
        .matches(
            "vigil retention apply: \\d+ vigil-\\* indices, \\d+ deleted \\(\\d+ written in the"
                + " last 30 days\\), \\d+ kept \\(\\d+ as evidence of kept alerts\\), \\d+"
                + " unmanaged");
    assertThat(existing())
        .doesNotContain(OLD_SECRETS, OLD_LOGINS)
        .contains(CITED_LOGINS, ALERTS, NEW_SECRETS, NEW_LOGINS, SEALS, HAND_MADE);
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
        .contains("unmanaged      " + NEW_SECRETS, "unmanaged      " + SEALS);
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
