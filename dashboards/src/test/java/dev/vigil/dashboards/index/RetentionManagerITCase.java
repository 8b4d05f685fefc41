package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.RetentionManager.Decision;
import dev.vigil.dashboards.index.RetentionManager.Evidence;
import dev.vigil.dashboards.index.RetentionManager.Verdict;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
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
      Map.ofEntries(
          Map.entry("vigil-events-secret-2030.05", Verdict.EXPIRED), // 1y after 2030-06-01
          Map.entry("vigil-events-secret-2030.06", Verdict.KEEP), // until 2031-07-01
          // 90d after its end, 03-17, is 06-15
          Map.entry("vigil-events-auth-2031.03.16", Verdict.EXPIRED),
          Map.entry("vigil-events-auth-2031.03.17", Verdict.KEEP),
          // Expired, but holds two events behind the kept alerts below.
          Map.entry("vigil-events-auth-2031.03.10", Verdict.KEEP_EVIDENCE),
          Map.entry("vigil-events-seal-2001.01", Verdict.KEEP_FOREVER),
          // 2y after 2029-06-01; holds the event of the expired alert below.
          Map.entry("vigil-events-policy-2029.05", Verdict.EXPIRED),
          Map.entry("vigil-events-policy-2029.06", Verdict.KEEP), // until 2031-07-01
          Map.entry("vigil-alerts-2029.04", Verdict.EXPIRED), // 2y after 2029-05-01
          Map.entry("vigil-alerts-2030.01", Verdict.KEEP), // until 2032-02-01
          Map.entry("vigil-alerts-2031.06", Verdict.KEEP), // until 2033-07-01
          Map.entry("vigil-events-retired_class-2001.01", Verdict.UNMANAGED),
          Map.entry("vigil-notes", Verdict.UNMANAGED));

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
    event("vigil-events-auth-2031.03.10", "rt-login-1");
    event("vigil-events-auth-2031.03.10", "rt-login-2");
    event("vigil-events-auth-2031.03.10", "rt-login-uncited");
    event("vigil-events-auth-2031.03.16", "rt-login-uncited-too");
    event("vigil-events-secret-2030.06", "rt-secret-1");
    event("vigil-events-policy-2029.05", "rt-policy-1");
    alert("vigil-alerts-2030.01", "rt-alert-1", "rt-login-1", "rt-login-2", "rt-secret-1", "gone");
    alert("vigil-alerts-2031.06", "rt-alert-2", "rt-login-2");
    // An expired alert protects nothing: it and its event go in the same run.
    alert("vigil-alerts-2029.04", "rt-alert-old", "rt-policy-1");
    client.indices().refresh(r -> r.index("vigil-*"));
    RetentionManager retention =
        new RetentionManager(client, IndexContract.builtIn(), TODAY, false);

    List<Decision> dryRun = retention.apply(true);

    assertThat(verdicts(dryRun)).containsAllEntriesOf(INDICES);
    // Kept until the later of the two alerts citing rt-login-2 expires.
    assertThat(dryRun)
        .filteredOn(decision -> decision.index().equals("vigil-events-auth-2031.03.10"))
        .singleElement()
        .extracting(Decision::evidence)
        .isEqualTo(new Evidence(2, LocalDate.parse("2033-07-01")));
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

  private static void event(String index, String eventId) throws IOException {
    client.index(
        i ->
            i.index(index)
                .id(eventId)
                .document(Map.of("event_id", eventId, "time", "2031-03-10T12:00:00Z")));
  }

  private static void alert(String index, String alertId, String... eventIds) throws IOException {
    client.index(
        i ->
            i.index(index)
                .id(alertId)
                .document(Map.of("alert_id", alertId, "event_ids", List.of(eventIds))));
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
