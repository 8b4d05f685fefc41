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
  void theFiguresAreThoseCountedByHandVaultRequestsOnceDuplicatesOnceRootUseFirstTopActorsCapped()
      throws IOException {
    ComplianceReport.PrivilegedActivity activity =
        report(Fixtures.privilegedRun(temp.resolve("run"))).privilegedActivity();

    List<PrivilegedActorCount> rows = activity.actors();
    assertThat(rows).hasSize(ComplianceReport.PrivilegedActivity.ACTORS_SHOWN);
    // Root use first, by events: the access key delivered twice counts once; the sign-in is root
    // use too. Then the Vault request, once, by its response.
    assertThat(rows.subList(0, 2))
        .containsExactly(
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
                Instant.parse("2025-06-03T09:05:30.700Z")),
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
    // Then the others by events: the GCP caller without a name (shown by id) has two.
    assertThat(rows.get(2))
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
    assertThat(rows.get(2).actor()).isEqualTo(POOL);
    // One event each, by actor: a CloudTrail id ending in ":request" is not a Vault entry; the
    // failed role assignment is not a change.
    assertThat(rows.subList(3, 5))
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
                Instant.parse("2025-06-10T08:00:00Z")));
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
  void everyActorWithRootUseIsListedHoweverManyOthersChangedMorePolicies() {
    List<PrivilegedActorCount> counts = new ArrayList<>();
    Instant time = Instant.parse("2025-06-02T10:00:00Z");
    // 60 administrators with three policy changes each, and one root sign-in, which sorted by
    // events alone came 61st and fell under "and 11 more actors".
    for (int i = 0; i < 60; i++) {
      String admin = String.format("admin-%02d", i);
      counts.add(
          new PrivilegedActorCount(
              "AWS_CLOUDTRAIL", "1111", admin, List.of(admin), "USER", 3, 0, 3, 0, time, time));
    }
    counts.add(
        new PrivilegedActorCount(
            "AWS_CLOUDTRAIL",
            "1111",
            "arn:aws:iam::1111:root",
            List.of("root"),
            "ROOT",
            1,
            1,
            0,
            0,
            time,
            time));
    // And when more than the cap have root use, all of them are listed.
    List<PrivilegedActorCount> roots = new ArrayList<>();
    for (int i = 0; i < 55; i++) {
      String account = String.format("acct-%02d", i);
      roots.add(
          new PrivilegedActorCount(
              "AWS_CLOUDTRAIL", account, "root", List.of("root"), "ROOT", 1, 1, 0, 0, time, time));
    }
    roots.addAll(counts.subList(0, 3));

    ComplianceReport.PrivilegedActivity activity = privileged(counts);
    ComplianceReport.PrivilegedActivity manyRoots = privileged(roots);

    assertThat(activity.actors()).hasSize(ComplianceReport.PrivilegedActivity.ACTORS_SHOWN);
    assertThat(activity.actors().get(0).actorId()).isEqualTo("arn:aws:iam::1111:root");
    assertThat(activity.actors().get(1).actor()).isEqualTo("admin-00");
    assertThat(activity.moreActors()).isEqualTo(11);
    assertThat(activity.moreActorsEvents()).isEqualTo(33);
    assertThat(ReportText.moreActors(activity))
        .isEqualTo(
            "And 11 more actors with 33 privileged events in all, not listed (none with root use:"
                + " every actor with root use is listed).");
    assertThat(manyRoots.actors()).hasSize(55).allMatch(row -> row.rootUse() == 1);
    assertThat(manyRoots.moreActors()).isEqualTo(3);
  }

  private static ComplianceReport.PrivilegedActivity privileged(List<PrivilegedActorCount> counts) {
    return ComplianceReport.build(
            JUNE,
            InputDescription.files(List.of()),
            "1",
            new ReportInput(List.of(), List.of(), List.of(), 0, null, counts, List.of()),
            ControlCatalog.builtIn())
        .privilegedActivity();
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
    assertThat(json.path("format").asText()).isEqualTo("vigil-report/6");
    assertThat(section.path("about").asText()).isEqualTo(ReportText.PRIVILEGED_ABOUT);
    assertThat(section.path("vault_entries_counted").asText()).isEqualTo("response_else_request");
    assertThat(section.path("actors_shown_at_most").asInt()).isEqualTo(50);
    assertThat(section.path("actors")).hasSize(50);
    assertThat(section.path("more_actors").asLong()).isEqualTo(7);
    assertThat(section.path("more_actors_events").asLong()).isEqualTo(7);
    JsonNode vaultRoot = section.path("actors").path(1);
    assertThat(vaultRoot.path("actor").asText()).isEqualTo("root");
    assertThat(vaultRoot.path("source").asText()).isEqualTo("VAULT");
    assertThat(vaultRoot.path("root_use").asLong()).isEqualTo(1);
    assertThat(vaultRoot.path("policy_changes").asLong()).isEqualTo(1);
    assertThat(vaultRoot.path("first").asText()).isEqualTo("2025-06-02T10:00:00Z");
    assertThat(section.path("actors").path(2).path("actor_names")).isEmpty();
    assertThat(section.path("actors").path(0).path("actor_names").toString())
        .isEqualTo("[\"root\"]");

    String html = Files.readString(out.resolve("report.html"));
    assertThat(html)
        .contains("<h2>3 Privileged activity by actor</h2>")
        .contains(
            "<tr><td>root</td><td>ROOT</td><td>AWS_CLOUDTRAIL</td><td>111122223333</td>"
                + "<td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">0</td>"
                + "<td class=\"n\">0</td><td>2025-06-03T09:00:00Z 2025-06-03T09:05:30Z</td></tr>")
        .contains(
            "<p>And 7 more actors with 7 privileged events in all, not listed (none with root use:"
                + " every actor with root use is listed).</p>")
        .contains("its request entry is left out and its response entry")
        .contains("Break-glass use is not counted here")
        .contains("<h2>4 Logging coverage</h2>");

    String pdf = pdfText(out.resolve("report.pdf")).replaceAll("\\s+", " ");
    assertThat(pdf)
        .contains("3 Privileged activity by actor")
        .contains("root ROOT AWS_CLOUDTRAIL 111122223333 2 2 0 0 2025-06-03T09:00:00Z")
        // Every header word whole (a narrow column cut "changes" into "change" over "s").
        .contains(
            "actor type source account events root use policy changes audit config changes first"
                + " and last (UTC)")
        .contains(
            "And 7 more actors with 7 privileged events in all, not listed (none with root use:"
                + " every actor with root use is listed).")
        .contains("Actors with root use come first and are all listed")
        .contains("up to 50 rows in all");

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
