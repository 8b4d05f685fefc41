package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privileged activity section, from the files of a run whose privileged actors are known
 * ({@link Fixtures#privilegedRun}): the figures below are counted by hand from that fixture.
 */
class PrivilegedActivityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReportPeriod JUNE = ReportPeriod.parse("2025-06");
  private static final String POOL = "principal://iam.googleapis.com/pool/x";
  private static final String AWS_ROOT = "arn:aws:iam::111122223333:root";

  @TempDir Path temp;

  private ComplianceReport report(Path run) throws IOException {
    FileReportSource source = new FileReportSource(run);
    return ComplianceReport.build(
        JUNE, source.description(), "1.2.3", source.read(JUNE), ControlCatalog.builtIn());
  }

  @Test
  void theFiguresAreThoseCountedByHandVaultRequestsOnceDuplicatesOnceTopActorsCapped()
      throws IOException {
    ComplianceReport.PrivilegedActivity activity =
        report(Fixtures.privilegedRun(temp.resolve("run"))).privilegedActivity();

    List<PrivilegedActorCount> rows = activity.actors();
    assertThat(rows).hasSize(ComplianceReport.PrivilegedActivity.ACTORS_SHOWN);
    // Two events each: by actor, the GCP caller without a name (shown by id) before "root".
    assertThat(rows.get(0))
        .isEqualTo(
            new PrivilegedActorCount(
                "GCP_AUDIT",
                "acme-prod",
                POOL,
                List.of(),
                "SERVICE",
                2,
                0,
                0,
                2,
                Instant.parse("2025-06-20T12:00:00Z"),
                Instant.parse("2025-06-29T23:59:59Z")));
    assertThat(rows.get(0).actor()).isEqualTo(POOL);
    // The access key delivered twice counts once; the sign-in is root use too.
    assertThat(rows.get(1))
        .isEqualTo(
            new PrivilegedActorCount(
                "AWS_CLOUDTRAIL",
                "111122223333",
                AWS_ROOT,
                List.of("root"),
                "ROOT",
                2,
                2,
                0,
                0,
                Instant.parse("2025-06-03T09:00:00Z"),
                Instant.parse("2025-06-03T09:05:30.700Z")));
    // One event each, by actor: a CloudTrail id ending in ":request" is not a Vault entry; the
    // failed role assignment is not a change; the Vault request counts once, by its response.
    assertThat(rows.subList(2, 5))
        .containsExactly(
            new PrivilegedActorCount(
                "AWS_CLOUDTRAIL",
                "111122223333",
                "arn:aws:iam::111122223333:user/bob",
                List.of("bob"),
                "USER",
                1,
                0,
                0,
                1,
                Instant.parse("2025-06-15T07:00:00Z"),
                Instant.parse("2025-06-15T07:00:00Z")),
            new PrivilegedActorCount(
                "AZURE_MONITOR",
                "sub-1",
                "oid-carol",
                List.of("carol@example.com"),
                "USER",
                1,
                0,
                1,
                0,
                Instant.parse("2025-06-10T08:00:00Z"),
                Instant.parse("2025-06-10T08:00:00Z")),
            new PrivilegedActorCount(
                "VAULT",
                "root",
                "root-entity",
                List.of("root"),
                "ROOT",
                1,
                1,
                1,
                0,
                Instant.parse("2025-06-02T10:00:00.004Z"),
                Instant.parse("2025-06-02T10:00:00.004Z")));
    int svcShown = ComplianceReport.PrivilegedActivity.ACTORS_SHOWN - 5;
    for (int i = 0; i < svcShown; i++) {
      assertThat(rows.get(5 + i).actor())
          .isEqualTo(String.format("svc-%02d@acme-prod.iam.gserviceaccount.com", i));
      assertThat(rows.get(5 + i).policyChanges()).isEqualTo(1);
    }
    assertThat(activity.moreActors()).isEqualTo(Fixtures.ONE_CHANGE_ACTORS - svcShown);
    assertThat(activity.moreActorsEvents()).isEqualTo(Fixtures.ONE_CHANGE_ACTORS - svcShown);
    assertThat(rows).extracting(PrivilegedActorCount::actor).doesNotContain("alice");
  }

  @Test
  void theOrderOfTheInputDoesNotChangeABit() throws IOException {
    Path run = Fixtures.privilegedRun(temp.resolve("run"));
    Path shuffled = Fixtures.privilegedRun(temp.resolve("shuffled"));
    List<String> lines = new ArrayList<>(Files.readAllLines(shuffled.resolve("events.jsonl")));
    Collections.shuffle(lines, new Random(7));
    Fixtures.write(shuffled.resolve("events.jsonl"), lines);

    ComplianceReport first = report(run);
    ComplianceReport second = report(shuffled);

    assertThat(second.privilegedActivity()).isEqualTo(first.privilegedActivity());
    // The files differ (the cover names each input file's SHA-256); the section does not.
    assertThat(privilegedSection(second)).isEqualTo(privilegedSection(first));
  }

  private static String privilegedSection(ComplianceReport report) throws IOException {
    String html = new String(ReportHtml.write(report), java.nio.charset.StandardCharsets.UTF_8);
    int start = html.indexOf("<h2>3 Privileged activity by actor</h2>");
    return JSON.readTree(ReportJson.write(report)).path("privileged_activity").toString()
        + html.substring(start, html.indexOf("</section>", start));
  }

  @Test
  void anActorRenamedWithinThePeriodIsOneRowByItsIdWithBothNames() throws IOException {
    Path run = Files.createDirectories(temp.resolve("renamed"));
    Fixtures.write(run.resolve("alerts.jsonl"), List.of());
    Fixtures.write(run.resolve("deadletters.jsonl"), List.of());
    String arn = "arn:aws:iam::111122223333:user/u-1";
    Fixtures.write(
        run.resolve("events.jsonl"),
        List.of(
            Fixtures.privilegedEvent(
                "e1",
                "2025-06-01T10:00:00Z",
                "AWS_CLOUDTRAIL",
                "POLICY_CHANGE",
                "SUCCESS",
                arn,
                "alice",
                "USER",
                false,
                "111122223333"),
            Fixtures.privilegedEvent(
                "e2",
                "2025-06-20T10:00:00Z",
                "AWS_CLOUDTRAIL",
                "POLICY_CHANGE",
                "SUCCESS",
                arn,
                "alice.smith",
                "USER",
                false,
                "111122223333"),
            Fixtures.privilegedEvent(
                "e3",
                "2025-06-21T10:00:00Z",
                "AWS_CLOUDTRAIL",
                "POLICY_CHANGE",
                "SUCCESS",
                arn,
                null,
                "USER",
                false,
                "111122223333"),
            // No id: told apart by name, so two rows.
            Fixtures.privilegedEvent(
                "e4",
                "2025-06-02T10:00:00Z",
                "GCP_AUDIT",
                "AUDIT_CONFIG",
                "SUCCESS",
                null,
                "x@example.com",
                "USER",
                false,
                "p"),
            Fixtures.privilegedEvent(
                "e5",
                "2025-06-03T10:00:00Z",
                "GCP_AUDIT",
                "AUDIT_CONFIG",
                "SUCCESS",
                null,
                "y@example.com",
                "USER",
                false,
                "p")));

    List<PrivilegedActorCount> rows = report(run).privilegedActivity().actors();

    assertThat(rows)
        .extracting(PrivilegedActorCount::actor, PrivilegedActorCount::events)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alice / alice.smith (id " + arn + ")", 3L),
            org.assertj.core.groups.Tuple.tuple("x@example.com", 1L),
            org.assertj.core.groups.Tuple.tuple("y@example.com", 1L));
    assertThat(rows.get(0).actorNames()).containsExactly("alice", "alice.smith");
    assertThat(rows.get(0).first()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
    assertThat(rows.get(0).last()).isEqualTo(Instant.parse("2025-06-21T10:00:00Z"));
  }

  @Test
  void everyFormatShowsTheSectionItsRuleAndItsCapAndNoSecret() throws IOException {
    Path out = temp.resolve("out");
    ReportFiles.write(report(Fixtures.privilegedRun(temp.resolve("run"))), out, null);

    JsonNode json = JSON.readTree(out.resolve("report.json").toFile());
    JsonNode section = json.path("privileged_activity");
    assertThat(json.path("format").asText()).isEqualTo("vigil-report/4");
    assertThat(section.path("about").asText()).isEqualTo(ReportText.PRIVILEGED_ABOUT);
    assertThat(section.path("vault_entries_counted").asText()).isEqualTo("response");
    assertThat(section.path("actors_shown_at_most").asInt()).isEqualTo(50);
    assertThat(section.path("actors")).hasSize(50);
    assertThat(section.path("more_actors").asLong()).isEqualTo(7);
    assertThat(section.path("more_actors_events").asLong()).isEqualTo(7);
    JsonNode vaultRoot = section.path("actors").path(4);
    assertThat(vaultRoot.path("actor").asText()).isEqualTo("root");
    assertThat(vaultRoot.path("source").asText()).isEqualTo("VAULT");
    assertThat(vaultRoot.path("root_use").asLong()).isEqualTo(1);
    assertThat(vaultRoot.path("policy_changes").asLong()).isEqualTo(1);
    assertThat(vaultRoot.path("first").asText()).isEqualTo("2025-06-02T10:00:00Z");
    assertThat(section.path("actors").path(0).path("actor_names")).isEmpty();
    assertThat(section.path("actors").path(1).path("actor_names").toString())
        .isEqualTo("[\"root\"]");

    String html = Files.readString(out.resolve("report.html"));
    assertThat(html)
        .contains("<h2>3 Privileged activity by actor</h2>")
        .contains(
            "<tr><td>root</td><td>ROOT</td><td>AWS_CLOUDTRAIL</td><td>111122223333</td>"
                + "<td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">0</td>"
                + "<td class=\"n\">0</td><td>2025-06-03T09:00:00Z 2025-06-03T09:05:30Z</td></tr>")
        .contains("<p>And 7 more actors with 7 privileged events in all, not listed.</p>")
        .contains("its request entry is left out and its response entry")
        .contains("Break-glass use is not counted here")
        .contains("<h2>4 Logging coverage</h2>");

    String pdf = pdfText(out.resolve("report.pdf")).replaceAll("\\s+", " ");
    assertThat(pdf)
        .contains("3 Privileged activity by actor")
        .contains("root ROOT AWS_CLOUDTRAIL 111122223333 2 2 0 0 2025-06-03T09:00:00Z")
        .contains("And 7 more actors with 7 privileged events in all, not listed.")
        .contains("at most 50 are listed");

    for (String name : List.of("report.json", "report.html", "alerts.csv")) {
      assertThat(Files.readString(out.resolve(name))).as(name).doesNotContain("s3cr3t");
    }
    // The section is in the files the manifest lists, so verify covers it.
    assertThat(ReportVerifier.verify(out, null).problems()).isEmpty();
    Files.writeString(
        out.resolve("report.json"),
        Files.readString(out.resolve("report.json"))
            .replace("\"root_use\" : 2", "\"root_use\" : 0"));
    assertThat(ReportVerifier.verify(out, null).problems())
        .containsExactly("report.json: SHA-256 differs from the manifest (the file was changed)");
  }

  @Test
  void aPeriodWithoutPrivilegedEventsSaysSo() throws IOException {
    ComplianceReport report = report(Fixtures.run(temp.resolve("run")));

    assertThat(report.privilegedActivity().actors()).isEmpty();
    assertThat(new String(ReportHtml.write(report), java.nio.charset.StandardCharsets.UTF_8))
        .contains("<p>" + ReportText.NO_PRIVILEGED_ACTIVITY + "</p>")
        .doesNotContain("more actor");
  }

  private static String pdfText(Path pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      return new PDFTextStripper().getText(document);
    }
  }
}
