package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceReportTest {

  private static final ReportPeriod NOVEMBER = ReportPeriod.parse("2026-11");

  @TempDir Path temp;

  private ComplianceReport november() throws IOException {
    FileReportSource source = new FileReportSource(Fixtures.run(temp.resolve("run")));
    return ComplianceReport.build(
        NOVEMBER, source.description(), "1.2.3", source.read(NOVEMBER), ControlCatalog.builtIn());
  }

  @Test
  void periodsAreMonthsQuartersYearsOrDayRanges() {
    assertThat(ReportPeriod.parse("2026-11"))
        .extracting(p -> p.from().toString(), p -> p.to().toString())
        .containsExactly("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    assertThat(ReportPeriod.parse("2026-q4").label()).isEqualTo("2026-Q4");
    assertThat(ReportPeriod.parse("2026-Q4").from().toString()).isEqualTo("2026-10-01T00:00:00Z");
    assertThat(ReportPeriod.parse("2026").to().toString()).isEqualTo("2027-01-01T00:00:00Z");
    ReportPeriod days = ReportPeriod.days("2026-11-01", "2026-11-16");
    assertThat(days.label()).isEqualTo("2026-11-01..2026-11-15");
    assertThat(days.to().toString()).isEqualTo("2026-11-16T00:00:00Z");
    assertThatThrownBy(() -> ReportPeriod.parse("November"))
        .hasMessage(
            "period 'November' is not a month (2026-11), a quarter (2026-Q4) or a year (2026)");
    assertThatThrownBy(() -> ReportPeriod.days("2026-11-16", "2026-11-16"))
        .hasMessageContaining("must be after --from");
    assertThatThrownBy(() -> ReportPeriod.days("2026-11-1x", "2026-11-16"))
        .hasMessage("--from '2026-11-1x' is not a date (yyyy-MM-dd)");
  }

  @Test
  void onlyThePeriodIsCountedAlertsByTimeEventsByTimeDeadLettersByReceipt() throws IOException {
    ComplianceReport report = november();

    assertThat(report.alerts()).extracting(AlertEntry::alertId).containsExactly("a1", "b2", "c3");
    assertThat(report.totals()).isEqualTo(new ComplianceReport.Totals(3, 4, 1, 3));
    assertThat(report.alertsWithoutControl()).isEqualTo(1);
    assertThat(report.deadLetters())
        .containsExactly(
            new DeadLetterCount("INVALID_TIME", "GCP_AUDIT", 1),
            new DeadLetterCount("MALFORMED_JSON", null, 2));
    assertThat(report.deadLettersOutsidePeriod()).isEqualTo(1);
    assertThat(report.firstDeadLetterReceivedAt())
        .isEqualTo(Instant.parse("2026-11-20T10:00:00.250Z"));
    assertThat(report.noData()).isFalse();
    assertThat(report.endedBeforeFirstReceipt()).isFalse();
  }

  @Test
  void aRecordDeliveredTwiceCountsOnceAsInTheIndexRecordsThatOnlyShareAnIdCountApart()
      throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    Fixtures.write(
        run.resolve("events.jsonl"),
        List.of(
            Fixtures.event("v1:request", "2026-11-02T10:00:00Z", "VAULT", "SECRET_ACCESS", true),
            Fixtures.event("v1:request", "2026-11-02T10:00:00Z", "VAULT", "SECRET_ACCESS", true),
            Fixtures.event("v1:response", "2026-11-02T10:00:00Z", "VAULT", "SECRET_ACCESS", true),
            Fixtures.event("1", "2026-11-03T10:00:00Z", "AWS_CLOUDTRAIL", "POLICY_CHANGE", false),
            Fixtures.event("1", "2026-11-03T10:00:00Z", "AWS_CLOUDTRAIL", "AUDIT_CONFIG", false),
            Fixtures.event("1", "2026-11-04T10:00:00Z", "AWS_CLOUDTRAIL", "AUDIT_CONFIG", false),
            Fixtures.event("1", "2026-11-04T10:00:00Z", "AWS_CLOUDTRAIL", "AUDIT_CONFIG", false)));
    FileReportSource source = new FileReportSource(run);
    ComplianceReport report =
        ComplianceReport.build(
            NOVEMBER, source.description(), "1", source.read(NOVEMBER), ControlCatalog.builtIn());

    // c3 is in alerts.jsonl twice: one alert, as in the alerts index (keyed by alert_id).
    assertThat(report.alerts()).extracting(AlertEntry::alertId).containsExactly("a1", "b2", "c3");
    assertThat(report.totals().events()).isEqualTo(5);
    assertThat(report.totals().deniedEvents()).isEqualTo(2);
    assertThat(report.coverage().bySourceAndCategory())
        .containsExactly(
            new ComplianceReport.SourceCategoryCount("AWS_CLOUDTRAIL", "AUDIT_CONFIG", 2, 0),
            new ComplianceReport.SourceCategoryCount("AWS_CLOUDTRAIL", "POLICY_CHANGE", 1, 0),
            new ComplianceReport.SourceCategoryCount("VAULT", "SECRET_ACCESS", 2, 2));
  }

  @Test
  void aDeadLetterDeliveredTwiceFromOneOriginCountsOnceTwoOriginsCountApart() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    Fixtures.write(
        run.resolve("deadletters.jsonl"),
        List.of(
            // One record read twice from the same place (a replay): one dead letter, counted by
            // its later receipt, which falls outside November, as the index keeps the later write.
            Fixtures.deadLetter("MALFORMED_JSON", null, "2026-11-20T10:00:00Z", "vault.log:7"),
            Fixtures.deadLetter("MALFORMED_JSON", null, "2026-11-20T11:00:00Z", "vault.log:7"),
            Fixtures.deadLetter("MALFORMED_JSON", null, "2026-11-21T10:00:00Z", "replay.log:1"),
            Fixtures.deadLetter("MALFORMED_JSON", null, "2026-12-02T10:00:00Z", "replay.log:1"),
            // The same bytes from another device: another record that could not be read.
            Fixtures.deadLetter("MALFORMED_JSON", null, "2026-11-20T10:00:00Z", "vault-2.log:7"),
            "{\"raw_base64\":\"/w==\",\"reason\":\"INVALID_UTF8\",\"origin\":\"vault.log:7\","
                + "\"source_guess\":null,\"received_at\":\"2026-11-20T10:00:00Z\"}"));
    FileReportSource source = new FileReportSource(run);
    ComplianceReport report =
        ComplianceReport.build(
            NOVEMBER, source.description(), "1", source.read(NOVEMBER), ControlCatalog.builtIn());

    assertThat(report.deadLetters())
        .containsExactly(
            new DeadLetterCount("INVALID_UTF8", null, 1),
            new DeadLetterCount("MALFORMED_JSON", null, 2));
    assertThat(report.deadLettersOutsidePeriod()).isEqualTo(1);
    assertThat(ReportText.completeness(report))
        .contains(
            "A dead letter delivered twice (the same reason, origin and raw bytes: a replay, a"
                + " file read twice) counts once")
        .doesNotContain("monthly indices");
  }

  @Test
  void fromOpenSearchADeadLetterDeliveredAgainInALaterMonthIsSaidToCountInEachMonth()
      throws IOException {
    FileReportSource source = new FileReportSource(Fixtures.run(temp.resolve("run")));
    ComplianceReport report =
        ComplianceReport.build(
            NOVEMBER,
            InputDescription.openSearch(
                List.of(URI.create("http://127.0.0.1:9200")),
                Map.of("dead_letters", "vigil-deadletters")),
            "1",
            source.read(NOVEMBER),
            ControlCatalog.builtIn());

    // Dead letters are filed by receipt in monthly indices: the same record received in November
    // and again in December is two documents, which the index reader counts once in each month.
    assertThat(ReportText.completeness(report))
        .endsWith(
            " Read from OpenSearch, this holds within a month: dead letters are filed in monthly"
                + " indices by when they were received, so one delivered again in a later month is"
                + " a second document there and counts in each month it was received, twice in a"
                + " period that covers both.");
  }

  @Test
  void aPeriodBeforeTheInputWasReceivedCountsItsDeadLettersOutsideAndSaysSo() throws IOException {
    ReportPeriod october = ReportPeriod.parse("2026-10");
    FileReportSource source = new FileReportSource(Fixtures.run(temp.resolve("run")));
    ComplianceReport report =
        ComplianceReport.build(
            october, source.description(), "1", source.read(october), ControlCatalog.builtIn());

    // z9 fired on 2026-10-31; the four dead letters were all received in November or later.
    assertThat(report.totals()).isEqualTo(new ComplianceReport.Totals(1, 0, 0, 0));
    assertThat(report.deadLettersOutsidePeriod()).isEqualTo(4);
    assertThat(report.noData()).isFalse();
    assertThat(report.endedBeforeFirstReceipt()).isTrue();
    assertThat(ReportText.notes(report))
        .containsExactly(
            "This period ended before Vigil received the input's first record that could not be"
                + " read (on 2026-11-20T10:00:00Z). Such records are counted by when they were"
                + " received, so any of this period's records that could not be read would be"
                + " among the 4 received outside it: the completeness of this period cannot be"
                + " judged from receipt times.");
  }

  @Test
  void aPeriodWithNothingInItIsNoData() throws IOException {
    ReportPeriod later = ReportPeriod.parse("2027");
    FileReportSource source = new FileReportSource(Fixtures.run(temp.resolve("run")));
    ComplianceReport report =
        ComplianceReport.build(
            later, source.description(), "1", source.read(later), ControlCatalog.builtIn());

    assertThat(report.noData()).isTrue();
    assertThat(report.endedBeforeFirstReceipt()).isFalse();
    assertThat(ReportText.notes(report)).containsExactly(ReportText.NO_DATA);
  }

  @Test
  void everyCatalogControlIsListedInNaturalOrderWithItsEvidence() throws IOException {
    ComplianceReport report = november();

    assertThat(report.controls())
        .extracting(ComplianceReport.ControlEvidence::tag)
        .containsSubsequence(
            "compliance.iso27001.a.8.2",
            "compliance.iso27001.a.8.15",
            "compliance.iso27001.a.8.16",
            "compliance.pci-dss.10.2.1.1",
            "compliance.pci-dss.10.7.2",
            "compliance.soc2.cc6.1",
            "compliance.soc2.cc7.3");
    ComplianceReport.ControlEvidence cc72 = control(report, "compliance.soc2.cc7.2");
    assertThat(cc72.alertIds()).containsExactly("a1");
    assertThat(cc72.frameworkName()).isEqualTo("SOC 2 (2017 Trust Services Criteria)");
    assertThat(cc72.controlId()).isEqualTo("cc7.2");
    assertThat(cc72.bySeverity()).containsEntry("high", 1L).containsEntry("critical", 0L);
    assertThat(control(report, "compliance.soc2.cc6.1").alerts()).isZero();
  }

  @Test
  void aControlOutsideTheCatalogIsShownByItsTag() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    Fixtures.write(
        run.resolve("alerts.jsonl"),
        List.of(
            Fixtures.alert(
                "x", "2026-11-02T00:00:00Z", "medium", "own", "\"compliance.hipaa.164.312.b\"")));
    FileReportSource source = new FileReportSource(run);
    ComplianceReport report =
        ComplianceReport.build(
            NOVEMBER, source.description(), "1", source.read(NOVEMBER), ControlCatalog.builtIn());

    ComplianceReport.ControlEvidence hipaa = control(report, "compliance.hipaa.164.312.b");
    assertThat(hipaa.framework()).isEqualTo("hipaa");
    assertThat(hipaa.frameworkName()).isEqualTo("hipaa");
    assertThat(hipaa.title()).isEmpty();
    assertThat(hipaa.alertIds()).containsExactly("x");
  }

  @Test
  void coverageListsEveryCategoryAndEachDayOfTheSourcesThatLogged() throws IOException {
    ComplianceReport.Coverage coverage = november().coverage();

    assertThat(coverage.byCategory())
        .containsEntry("AUDIT_CONFIG", 1L)
        .containsEntry("POLICY_CHANGE", 1L)
        .containsEntry("SECRET_ACCESS", 2L)
        .containsEntry("KEY_MANAGEMENT", 0L)
        .hasSize(8);
    assertThat(coverage.bySource()).containsEntry("GCP_AUDIT", 0L).containsEntry("VAULT", 2L);
    assertThat(coverage.bySourceAndCategory())
        .contains(new ComplianceReport.SourceCategoryCount("VAULT", "SECRET_ACCESS", 2, 1));
    assertThat(coverage.daily()).hasSize(30);
    assertThat(coverage.daily().get(0).day()).isEqualTo(LocalDate.of(2026, 11, 1));
    assertThat(coverage.daily().get(0).bySource())
        .containsExactly(
            java.util.Map.entry("AWS_CLOUDTRAIL", 0L), java.util.Map.entry("VAULT", 2L));
    assertThat(coverage.daily().get(29).bySource()).containsEntry("AWS_CLOUDTRAIL", 1L);
  }

  @Test
  void csvFollowsRfc4180AndDefusesFormulas() throws IOException {
    assertThat(AlertsCsv.field("plain")).isEqualTo("plain");
    assertThat(AlertsCsv.field("a,b")).isEqualTo("\"a,b\"");
    assertThat(AlertsCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(AlertsCsv.field("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(AlertsCsv.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(AlertsCsv.field("@sum")).isEqualTo("'@sum");

    String csv = new String(AlertsCsv.write(november()), StandardCharsets.UTF_8);
    String[] rows = csv.split("\r\n", -1);
    assertThat(rows).hasSize(5);
    assertThat(rows[0])
        .isEqualTo(
            "time,severity,detection,rule_id,rule_title,rule_version,alert_id,event_count,event_ids,sources,controls,summary");
    assertThat(rows[1])
        .isEqualTo(
            "2026-11-20T10:00:00Z,high,denied_access_spike,r-denied_access_spike,Title of"
                + " denied_access_spike,1,a1,3,e1,VAULT,compliance.iso27001.a.8.16;compliance.soc2.cc7.2,"
                + "\"alice did denied_access_spike, 3 times\"");
    assertThat(rows[4]).isEmpty();
  }

  /**
   * An auditor samples the events behind an alert from the report alone: the alert's event ids are
   * in alerts.csv (joined by ';') and report.json, with whether the list may be cut.
   */
  @Test
  void everyAlertCarriesTheIdsOfItsEventsInTheCsvAndTheJson() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    String vault =
        Fixtures.alert("v1", "2026-11-22T09:00:00Z", "critical", "root_token_use", "")
            .replace(
                "\"event_ids\":[\"e1\"],\"event_count\":3",
                "\"event_ids\":[\"r-1:request\",\"r-1:response\"],\"event_count\":1");
    Files.writeString(run.resolve("alerts.jsonl"), vault + "\n", StandardOpenOption.APPEND);
    FileReportSource source = new FileReportSource(run);
    ComplianceReport report =
        ComplianceReport.build(
            NOVEMBER,
            source.description(),
            "1.2.3",
            source.read(NOVEMBER),
            ControlCatalog.builtIn());

    String csv = new String(AlertsCsv.write(report), StandardCharsets.UTF_8);
    assertThat(csv).contains(",v1,1,r-1:request;r-1:response,VAULT,");

    JsonNode json = new ObjectMapper().readTree(ReportJson.write(report));
    assertThat(json.path("alert_event_ids_at_most").asInt()).isEqualTo(100);
    Map<String, JsonNode> alerts = new java.util.HashMap<>();
    json.path("alerts").forEach(alert -> alerts.put(alert.path("alert_id").asText(), alert));
    assertThat(alerts.get("v1").path("event_ids").toString())
        .isEqualTo("[\"r-1:request\",\"r-1:response\"]");
    assertThat(alerts.get("v1").path("event_ids_may_be_cut").asBoolean()).isFalse();
    // One id listed for three events: the rest are in the index, and the report says so.
    assertThat(alerts.get("a1").path("event_ids").toString()).isEqualTo("[\"e1\"]");
    assertThat(alerts.get("a1").path("event_ids_may_be_cut").asBoolean()).isTrue();
  }

  @Test
  void missingInputsAndBrokenLinesAreNamed() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    Files.delete(run.resolve("deadletters.jsonl"));
    assertThatThrownBy(() -> new FileReportSource(run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no deadletters.jsonl");

    Fixtures.run(run);
    Files.writeString(
        run.resolve("events.jsonl"),
        Fixtures.event("e", "2026-11-01T00:00:00Z", "VAULT", "OTHER", false)
            + "\n{\"raw\":\"s3cr3t\",\n");
    FileReportSource source = new FileReportSource(run);
    assertThatThrownBy(() -> source.read(NOVEMBER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            run.resolve("events.jsonl")
                + ":2 is not an event (malformed JSON, or a field of the wrong type)");
  }

  @Test
  void aControlCatalogIsCheckedWhenLoaded() throws IOException {
    Path catalog = temp.resolve("controls.yml");
    Files.writeString(
        catalog,
        "frameworks: {hipaa: HIPAA Security Rule}\n"
            + "controls: {compliance.hipaa.164.312.b: Audit controls}\n");
    assertThat(ControlCatalog.load(catalog).title("compliance.hipaa.164.312.b"))
        .isEqualTo("Audit controls");

    Files.writeString(catalog, "frameworks: {}\ncontrols: {compliance.hipaa.x: Audit}\n");
    assertThatThrownBy(() -> ControlCatalog.load(catalog))
        .hasMessage(
            "control catalog "
                + catalog
                + ": 'compliance.hipaa.x' names framework 'hipaa', which 'frameworks' does not"
                + " list");
    Files.writeString(catalog, "framework: {}\n");
    assertThatThrownBy(() -> ControlCatalog.load(catalog))
        .hasMessage(
            "control catalog " + catalog + ": unknown key 'framework' (frameworks, controls)");
    Files.writeString(catalog, "frameworks: {a: A}\ncontrols: {soc2.cc1: x}\n");
    assertThatThrownBy(() -> ControlCatalog.load(catalog))
        .hasMessageContaining("is not a control tag (compliance.<framework>.<control>)");
  }

  private static ComplianceReport.ControlEvidence control(ComplianceReport report, String tag) {
    return report.controls().stream().filter(c -> c.tag().equals(tag)).findFirst().orElseThrow();
  }
}
