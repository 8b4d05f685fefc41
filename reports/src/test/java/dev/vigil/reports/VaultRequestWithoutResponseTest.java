package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Vault request counts once among the privileged events: by its response entry, and by its
 * request entry when the response is nowhere in the input (the node died, the entry was dropped),
 * so a root use whose response was lost is still counted and a pair is never counted twice, also
 * across a period's end. The events are ingest's own, of a corpus entry ({@link
 * Fixtures#vaultRequestsRun}).
 */
class VaultRequestWithoutResponseTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static ComplianceReport report(Path run, String period) throws IOException {
    FileReportSource source = new FileReportSource(run);
    ReportPeriod reportPeriod = ReportPeriod.parse(period);
    return ComplianceReport.build(
        reportPeriod,
        source.description(),
        "1",
        source.read(reportPeriod),
        ControlCatalog.builtIn());
  }

  @Test
  void aRootRequestWhoseResponseWasLostCountsOnceByItsRequestEntryAndSaysSo() throws IOException {
    Path run = Fixtures.vaultRequestsRun(temp.resolve("run"));

    ComplianceReport.PrivilegedActivity november = report(run, "2019-11").privilegedActivity();

    // The request without a response by its request entry; the answered one and October's by
    // their response; the one answered in December not here, by neither of its entries.
    assertThat(november.actors())
        .containsExactly(
            new PrivilegedActorCount(
                "VAULT",
                "root",
                Fixtures.CORPUS_ROOT_ACCESSOR,
                List.of("root"),
                "ROOT",
                3,
                3,
                2,
                0,
                Instant.parse("2019-11-01T00:00:00.002Z"),
                Instant.parse("2019-11-12T09:00:00.004Z")));
    assertThat(november.events())
        .extracting(PrivilegedEvent::eventId, PrivilegedEvent::responseNotSeen)
        .containsExactly(
            tuple(Fixtures.ASKED_IN_OCTOBER + ":response", false),
            tuple(Fixtures.UNANSWERED + ":request", true),
            tuple(Fixtures.ANSWERED + ":response", false));
  }

  @Test
  void aPairAcrossAPeriodsEndCountsOnceInThePeriodOfItsResponse() throws IOException {
    Path run = Fixtures.vaultRequestsRun(temp.resolve("run"));

    ComplianceReport.PrivilegedActivity october = report(run, "2019-10").privilegedActivity();
    ComplianceReport.PrivilegedActivity december = report(run, "2019-12").privilegedActivity();
    ComplianceReport.PrivilegedActivity year = report(run, "2019").privilegedActivity();

    assertThat(october.eventsInAll()).isZero();
    assertThat(december.events())
        .extracting(PrivilegedEvent::eventId)
        .containsExactly(Fixtures.ANSWERED_IN_DECEMBER + ":response");
    // Four requests, each once, over the year that holds them.
    assertThat(year.eventsInAll()).isEqualTo(4);
    assertThat(year.events()).filteredOn(PrivilegedEvent::responseNotSeen).hasSize(1);
  }

  @Test
  void privilegedEventsCsvMarksTheRequestEntryAndReportJsonSaysWhichEntriesCount()
      throws IOException {
    Path out = temp.resolve("out");
    ReportFiles.write(report(Fixtures.vaultRequestsRun(temp.resolve("run")), "2019-11"), out, null);

    List<String> rows =
        List.of(
            Files.readString(out.resolve("privileged-events.csv"), StandardCharsets.UTF_8)
                .split("\r\n"));
    assertThat(rows.get(0)).endsWith(",outcome,privileged_because,note");
    assertThat(rows)
        .contains(
            Fixtures.UNANSWERED
                + ":request,2019-11-05T00:40:27Z,VAULT,root,"
                + Fixtures.CORPUS_ROOT_ACCESSOR
                + ",root,ROOT,POLICY_CHANGE,update,update,sys/policies/acl/admin,UNKNOWN,"
                + "root_use,\"request entry, response not seen\"")
        .contains(
            Fixtures.ANSWERED
                + ":response,2019-11-12T09:00:00Z,VAULT,root,"
                + Fixtures.CORPUS_ROOT_ACCESSOR
                + ",root,ROOT,POLICY_CHANGE,update,update,sys/policies/acl/admin,SUCCESS,"
                + "root_use;policy_change,");
    JsonNode json = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(json.path("format").asText()).isEqualTo("vigil-report/6");
    assertThat(json.path("privileged_activity").path("vault_entries_counted").asText())
        .isEqualTo("response_else_request");
    assertThat(json.path("privileged_activity").path("about").asText())
        .contains("counts by its request entry, which privileged-events.csv marks");
  }
}
