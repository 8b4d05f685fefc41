package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.RetentionManager.Decision;
import dev.vigil.dashboards.index.RetentionManager.Verdict;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

@RealOpenSearch
class RetentionManagerITCase {

  /** "Today" for retention: 2031-06-15. */
  private static final Clock TODAY =
      Clock.fixed(Instant.parse("2031-06-15T12:00:00Z"), ZoneOffset.UTC);

  private static final Map<String, Verdict> INDICES =
      Map.of(
          "vigil-events-secret-2030.05", Verdict.EXPIRED, // 1y after 2030-06-01
          "vigil-events-secret-2030.06", Verdict.KEEP, // until 2031-07-01
          "vigil-events-auth-2031.03.16", Verdict.EXPIRED, // 90d after its end, 03-17, is 06-15
          "vigil-events-auth-2031.03.17", Verdict.KEEP,
          "vigil-events-seal-2001.01", Verdict.KEEP_FOREVER,
          "vigil-events-policy-2029.05", Verdict.EXPIRED, // 2y after 2029-06-01
          "vigil-events-policy-2029.06", Verdict.KEEP, // until 2031-07-01
          "vigil-alerts-2029.04", Verdict.EXPIRED, // 2y after 2029-05-01
          "vigil-events-retired_class-2001.01", Verdict.UNMANAGED,
          "vigil-notes", Verdict.UNMANAGED);

  private static OpenSearchConnection connection;
  private static OpenSearchClient client;

  @BeforeAll
  static void connect(OpenSearchEndpoint openSearch) throws IOException {
    connection = OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
    client = connection.client();
    new TemplateInstaller(client, new IndexSettings(1, 0, Duration.ofSeconds(1))).install();
  }

  @AfterAll
  static void close() throws IOException {
    connection.close();
  }

  @Test
  void aDryRunJudgesEveryIndexAndDeletesNothingThenApplyDeletesOnlyTheExpired() throws IOException {
    for (String index : INDICES.keySet()) {
      client.indices().create(c -> c.index(index));
    }
    RetentionManager retention = new RetentionManager(client, IndexContract.builtIn(), TODAY);

    List<Decision> dryRun = retention.apply(true);

    assertThat(verdicts(dryRun)).containsAllEntriesOf(INDICES);
    assertThat(dryRun).noneMatch(Decision::deleted);
    assertThat(existing()).containsAll(INDICES.keySet());

    List<Decision> applied = retention.apply(false);

    assertThat(applied.stream().filter(Decision::deleted).map(Decision::index))
        .containsExactlyInAnyOrderElementsOf(expired());
    assertThat(existing()).doesNotContainAnyElementsOf(expired());
    assertThat(existing())
        .containsAll(
            INDICES.entrySet().stream()
                .filter(e -> e.getValue() != Verdict.EXPIRED)
                .map(Map.Entry::getKey)
                .toList());

    assertThat(retention.apply(false)).noneMatch(Decision::deleted);
  }

  private static List<String> expired() {
    return INDICES.entrySet().stream()
        .filter(e -> e.getValue() == Verdict.EXPIRED)
        .map(Map.Entry::getKey)
        .toList();
  }

  private static Map<String, Verdict> verdicts(List<Decision> decisions) {
    return decisions.stream()
        .collect(Collectors.toMap(Decision::index, Decision::verdict, (a, b) -> a));
  }

  private static List<String> existing() throws IOException {
    return client.cat().indices(r -> r.index("vigil-*")).valueBody().stream()
        .map(record -> record.index())
        .toList();
  }
}
