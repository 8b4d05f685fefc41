package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * The OpenSearch reader gives the same report as the file reader: the fixture run is indexed by the
 * index contract (templates installed, each document in the index its fields choose, with its id),
 * and both reports are compared whole.
 */
@RealOpenSearch
class OpenSearchReportSourceITCase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReportPeriod NOVEMBER = ReportPeriod.parse("2026-11");

  private static OpenSearchConnection connection;
  private static OpenSearchClient client;
  private static Path run;
  private static Path privilegedRun;
  private static Path vaultRequestsRun;

  @BeforeAll
  static void indexTheFixtureRun(OpenSearchEndpoint openSearch, @TempDir Path temp)
      throws IOException {
    connection = OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
    client = connection.client();
    new TemplateInstaller(client, new IndexSettings(1, 0, Duration.ofSeconds(1))).install();
    run = Fixtures.run(temp.resolve("run"));
    IndexContract contract = IndexContract.builtIn();
    for (JsonNode alert : lines("alerts.jsonl")) {
      put(
          contract.alertIndex(Instant.parse(alert.path("time").asText())),
          alert.path("alert_id").asText(),
          alert);
    }
    for (JsonNode event : lines("events.jsonl")) {
      put(contract.eventIndex(canonical(event)), event.path("event_id").asText(), event);
    }
    privilegedRun = Fixtures.privilegedRun(temp.resolve("privileged"));
    for (JsonNode event : lines(privilegedRun, "events.jsonl")) {
      put(contract.eventIndex(canonical(event)), event.path("event_id").asText(), event);
    }
    vaultRequestsRun = Fixtures.vaultRequestsRun(temp.resolve("vault"));
    for (JsonNode event : lines(vaultRequestsRun, "events.jsonl")) {
      // Ingest's own events, complete: placed as the job places them.
      put(contract.eventIndex(EventJson.readEvent(event)), event.path("event_id").asText(), event);
    }
    int deadLetter = 0;
    for (JsonNode dead : lines("deadletters.jsonl")) {
      put(
          contract.deadLetterIndex(Instant.parse(dead.path("received_at").asText())),
          "dead-" + deadLetter++,
          dead);
    }
    call("POST", "/vigil-*/_refresh", null);
  }

  @AfterAll
  static void close() throws IOException {
    connection.close();
  }

  @Test
  void theReportFromOpenSearchEqualsTheReportFromTheSameFiles() throws IOException {
    OpenSearchReportSource fromIndex =
        new OpenSearchReportSource(client, List.of(URI.create("http://test")));
    FileReportSource fromFiles = new FileReportSource(run);
    InputDescription sameInput = fromIndex.description();

    ComplianceReport indexed =
        ComplianceReport.build(
            NOVEMBER, sameInput, "1", fromIndex.read(NOVEMBER), ControlCatalog.builtIn());
    ComplianceReport files =
        ComplianceReport.build(
            NOVEMBER, sameInput, "1", fromFiles.read(NOVEMBER), ControlCatalog.builtIn());

    assertThat(indexed.alerts()).extracting(AlertEntry::alertId).containsExactly("a1", "b2", "c3");
    assertThat(indexed.totals()).isEqualTo(new ComplianceReport.Totals(3, 4, 1, 3));
    assertThat(indexed.deadLettersOutsidePeriod()).isEqualTo(1);
    assertThat(indexed.firstDeadLetterReceivedAt())
        .isEqualTo(Instant.parse("2026-11-20T10:00:00.250Z"));
    assertThat(new String(ReportJson.write(indexed), StandardCharsets.UTF_8))
        .isEqualTo(new String(ReportJson.write(files), StandardCharsets.UTF_8));
  }

  @Test
  void thePrivilegedActivityFromOpenSearchEqualsTheOneFromTheSameFiles() throws IOException {
    ReportPeriod june = ReportPeriod.parse("2025-06");
    OpenSearchReportSource fromIndex =
        new OpenSearchReportSource(client, List.of(URI.create("http://test")));
    InputDescription sameInput = fromIndex.description();

    ComplianceReport indexed =
        ComplianceReport.build(
            june, sameInput, "1", fromIndex.read(june), ControlCatalog.builtIn());
    ComplianceReport files =
        ComplianceReport.build(
            june,
            sameInput,
            "1",
            new FileReportSource(privilegedRun).read(june),
            ControlCatalog.builtIn());

    // The access key delivered twice is one document; the Vault request entries (one answered in
    // June, one in July), the failed change, the secret read and July's events are left out, as
    // the file reader leaves them.
    assertThat(indexed.privilegedActivity().actors()).hasSize(50);
    assertThat(indexed.privilegedActivity().actors().get(0).rootUse()).isEqualTo(2);
    assertThat(indexed.privilegedActivity().moreActors()).isEqualTo(7);
    assertThat(indexed.privilegedActivity().events()).hasSize(59);
    assertThat(indexed.privilegedActivity()).isEqualTo(files.privilegedActivity());
    assertThat(JSON.readTree(ReportJson.write(indexed)).path("privileged_activity"))
        .isEqualTo(JSON.readTree(ReportJson.write(files)).path("privileged_activity"));
  }

  @Test
  void aVaultRequestCountsOnceByItsResponseOrWithoutOneByItsRequestAsFromTheFiles()
      throws IOException {
    OpenSearchReportSource fromIndex =
        new OpenSearchReportSource(client, List.of(URI.create("http://test")));
    FileReportSource fromFiles = new FileReportSource(vaultRequestsRun);
    InputDescription sameInput = fromIndex.description();

    for (String label : List.of("2019-10", "2019-11", "2019-12", "2019")) {
      ReportPeriod period = ReportPeriod.parse(label);
      ComplianceReport indexed =
          ComplianceReport.build(
              period, sameInput, "1", fromIndex.read(period), ControlCatalog.builtIn());
      ComplianceReport files =
          ComplianceReport.build(
              period, sameInput, "1", fromFiles.read(period), ControlCatalog.builtIn());

      assertThat(indexed.privilegedActivity()).as(label).isEqualTo(files.privilegedActivity());
      // The section, not the whole report: the index holds the other runs' dead letters too.
      assertThat(JSON.readTree(ReportJson.write(indexed)).path("privileged_activity"))
          .as(label)
          .isEqualTo(JSON.readTree(ReportJson.write(files)).path("privileged_activity"));
      assertThat(PrivilegedEventsCsv.write(indexed))
          .as(label)
          .isEqualTo(PrivilegedEventsCsv.write(files));
    }
    // November: the request without a response by its request entry, marked; the answered one and
    // October's by their responses; the one answered on December 1st in December only.
    ReportPeriod november = ReportPeriod.parse("2019-11");
    ComplianceReport.PrivilegedActivity activity =
        ComplianceReport.build(
                november, sameInput, "1", fromIndex.read(november), ControlCatalog.builtIn())
            .privilegedActivity();
    assertThat(activity.actors())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.events()).isEqualTo(3);
              assertThat(row.rootUse()).isEqualTo(3);
              assertThat(row.policyChanges()).isEqualTo(2);
            });
    assertThat(activity.events())
        .extracting(PrivilegedEvent::eventId, PrivilegedEvent::responseNotSeen)
        .containsExactly(
            tuple(Fixtures.ASKED_IN_OCTOBER + ":response", false),
            tuple(Fixtures.UNANSWERED + ":request", true),
            tuple(Fixtures.ANSWERED + ":response", false));
    assertThat(fromIndex.read(ReportPeriod.parse("2019")).privilegedEvents()).hasSize(4);
  }

  @Test
  void aPeriodWithoutIndicesIsAnEmptyReportNotAnError() throws IOException {
    ReportInput input =
        new OpenSearchReportSource(client, List.of(URI.create("http://test")))
            .read(ReportPeriod.parse("1999"));

    assertThat(input.alerts()).isEmpty();
    assertThat(input.events()).isEmpty();
    assertThat(input.deadLetters()).isEmpty();
    assertThat(input.deadLettersOutsidePeriod()).isEqualTo(4);
  }

  @Test
  void anAliasThatDoesNotExistYetIsNoDocumentsNotAnError() throws IOException {
    // Before the first alert or dead letter is written, the templates' aliases have no index.
    String aliases =
        "{\"actions\":[{\"%s\":{\"index\":\"vigil-alerts-*\",\"alias\":\"vigil-alerts\"}},"
            + "{\"%s\":{\"index\":\"vigil-deadletters-*\",\"alias\":\"vigil-deadletters\"}}]}";
    call("POST", "/_aliases", String.format(aliases, "remove", "remove"));
    try {
      ReportInput input =
          new OpenSearchReportSource(client, List.of(URI.create("http://test"))).read(NOVEMBER);

      assertThat(input.alerts()).isEmpty();
      assertThat(input.events()).isNotEmpty();
      assertThat(input.deadLetters()).isEmpty();
      assertThat(input.deadLettersOutsidePeriod()).isZero();
      assertThat(input.firstDeadLetterReceivedAt()).isNull();
    } finally {
      call("POST", "/_aliases", String.format(aliases, "add", "add"));
    }
  }

  @Test
  void aShardThatFailsStopsTheReportInsteadOfLeavingItsDocumentsOut() throws IOException {
    // An index of the alias whose alert_id is text (a hand-made index, a template gone wrong):
    // sorting by alert_id fails on its shard, and OpenSearch answers 200 with the other shards'
    // hits. A report made of them would miss this index's alerts without a word.
    call(
        "PUT",
        "/vigil-alerts-misfiled",
        "{\"aliases\":{\""
            + IndexContract.ALERTS_ALIAS
            + "\":{}},\"mappings\":{\"properties\":"
            + "{\"alert_id\":{\"type\":\"text\"},\"time\":{\"type\":\"date\"}}}}");
    try {
      put(
          "vigil-alerts-misfiled",
          "m1",
          JSON.readTree(
              Fixtures.alert("m1", "2026-11-22T10:00:00Z", "critical", "root_token_use", "")));
      call("POST", "/vigil-alerts-misfiled/_refresh", null);

      assertThatThrownBy(
              () ->
                  new OpenSearchReportSource(client, List.of(URI.create("http://test")))
                      .read(NOVEMBER))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("searching vigil-alerts failed on 1 of ")
          .hasMessageContaining("shards, so the report would leave out their documents: index")
          .hasMessageContaining("vigil-alerts-misfiled");
    } finally {
      call("DELETE", "/vigil-alerts-misfiled", null);
    }
  }

  @Test
  void aClosedIndexStopsTheReportInsteadOfCountingNothingInIt() throws IOException {
    String index = "vigil-events-secret-2026.11-closed";
    call("PUT", "/" + index, "{\"aliases\":{\"" + IndexContract.EVENTS_ALIAS + "\":{}}}");
    try {
      put(
          index,
          "closed-1",
          JSON.readTree(
              Fixtures.event("closed-1", "2026-11-05T10:00:00Z", "VAULT", "SECRET_ACCESS", true)));
      call("POST", "/" + index + "/_close", null);

      assertThatThrownBy(
              () ->
                  new OpenSearchReportSource(client, List.of(URI.create("http://test")))
                      .read(NOVEMBER))
          .isInstanceOf(IOException.class)
          .hasMessage("searching vigil-events failed (HTTP 400): index_closed_exception: closed");
    } finally {
      call("DELETE", "/" + index, null);
    }
  }

  /**
   * A fixture event, which holds only the fields reports read, completed with the other required
   * fields of the canonical event, so that the contract places it as the job would.
   */
  private static AuditEvent canonical(JsonNode fixture) {
    ObjectNode event = fixture.deepCopy();
    event.put("ocsf_class_uid", 6003);
    event.put("action", "read");
    event.put("operation", "read");
    event.put("outcome", "SUCCESS");
    event.put("origin", "fixture");
    ((ObjectNode) event.get("actor")).put("type", "USER");
    event.putObject("src");
    event.putObject("target");
    return EventJson.readEvent(event);
  }

  private static List<JsonNode> lines(String file) throws IOException {
    return lines(run, file);
  }

  private static List<JsonNode> lines(Path directory, String file) throws IOException {
    return Files.readAllLines(directory.resolve(file)).stream()
        .filter(line -> !line.isBlank())
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private static void put(String index, String id, JsonNode document) throws IOException {
    call("PUT", "/" + index + "/_doc/" + id, JSON.writeValueAsString(document));
  }

  private static void call(String method, String endpoint, String body) throws IOException {
    var request = Requests.builder().method(method).endpoint(endpoint);
    if (body != null) {
      request.json(body);
    }
    try (Response response = client.generic().execute(request.build())) {
      assertThat(response.getStatus())
          .as("%s %s: %s", method, endpoint, response.getBody().map(Body::bodyAsString).orElse(""))
          .isLessThan(300);
    }
  }
}
