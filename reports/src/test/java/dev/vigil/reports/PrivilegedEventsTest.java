package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * privileged-events.csv: the privileged events themselves, for an auditor to sample from, covered
 * by the manifest, and cut only with a line that says so.
 */
class PrivilegedEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReportPeriod JUNE = ReportPeriod.parse("2025-06");

  @TempDir Path temp;

  private ComplianceReport report(Path run) throws IOException {
    FileReportSource source = new FileReportSource(run);
    return ComplianceReport.build(
        JUNE, source.description(), "1.2.3", source.read(JUNE), ControlCatalog.builtIn());
  }

  private static List<String> rows(Path csv) throws IOException {
    String text = Files.readString(csv, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\r\n");
    return Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1));
  }

  @Test
  void everyPrivilegedEventIsARowWithWhyItIsPrivilegedAndTheManifestCoversTheFile()
      throws IOException {
    Path run = Fixtures.privilegedRun(temp.resolve("run"));
    // The Vault root token's response entry with its operation and path, as a parser writes them.
    Path events = run.resolve("events.jsonl");
    Files.writeString(
        events,
        Files.readString(events)
            .replace(
                "\"event_id\":\"v1:response\",",
                "\"event_id\":\"v1:response\",\"operation\":\"update\",\"action\":\"update\",")
            .replace(
                "\"event_id\":\"v1:response\",\"operation\":\"update\",\"action\":\"update\","
                    + "\"time\":\"2025-06-02T10:00:00.004Z\",\"source\":\"VAULT\","
                    + "\"category\":\"POLICY_CHANGE\",\"outcome\":\"SUCCESS\",\"denied\":false,"
                    + "\"actor\":{\"root\":true,\"id\":\"root-entity\",\"name\":\"root\","
                    + "\"type\":\"ROOT\"},\"target\":{\"resource\":\"r\"",
                "\"event_id\":\"v1:response\",\"operation\":\"update\",\"action\":\"update\","
                    + "\"time\":\"2025-06-02T10:00:00.004Z\",\"source\":\"VAULT\","
                    + "\"category\":\"POLICY_CHANGE\",\"outcome\":\"SUCCESS\",\"denied\":false,"
                    + "\"actor\":{\"root\":true,\"id\":\"root-entity\",\"name\":\"root\","
                    + "\"type\":\"ROOT\"},\"target\":{\"resource\":\"sys/policies/acl/admin\""));
    ComplianceReport report = report(run);
    Path out = temp.resolve("out");
    ReportFiles.write(report, out, null);

    List<String> rows = rows(out.resolve("privileged-events.csv"));
    assertThat(rows.get(0))
        .isEqualTo(
            "event_id,time,source,account,actor_id,actor_name,actor_type,category,operation,"
                + "action,target,outcome,privileged_because,note");
    // By hand from the fixture: the Vault request once (its response), the AWS root sign-in and
    // its access key (delivered twice, once here), carol's successful role assignment, the GCP
    // caller's two sink deletions of June, bob's stopped trail, and 52 service accounts' policy
    // changes: the same 59 events the actors table counts.
    assertThat(rows).hasSize(1 + 59);
    assertThat(report.privilegedActivity().eventsInAll()).isEqualTo(59);
    assertThat(rows.get(1))
        .isEqualTo(
            "v1:response,2025-06-02T10:00:00Z,VAULT,root,root-entity,root,ROOT,POLICY_CHANGE,"
                + "update,update,sys/policies/acl/admin,SUCCESS,root_use;policy_change,");
    assertThat(rows)
        .contains(
            "a2,2025-06-03T09:05:30Z,AWS_CLOUDTRAIL,111122223333,arn:aws:iam::111122223333:root,"
                + "root,ROOT,IDENTITY_MANAGEMENT,,,r,SUCCESS,root_use,")
        .contains(
            "g1,2025-06-20T12:00:00Z,GCP_AUDIT,acme-prod,principal://iam.googleapis.com/pool/x,,"
                + "SERVICE,AUDIT_CONFIG,,,r,SUCCESS,audit_config_change,");
    assertThat(rows.stream().filter(row -> row.startsWith("a2,"))).hasSize(1);
    assertThat(rows)
        .noneMatch(row -> row.startsWith("v1:request,") || row.startsWith("k1:kmip-request,"))
        .noneMatch(row -> row.startsWith("z2,") || row.startsWith("s1,") || row.startsWith("g3,"));
    assertThat(String.join("\n", rows)).doesNotContain("s3cr3t");
    // By time, then id, whatever order the input was read in.
    List<String> times = rows.subList(1, rows.size()).stream().map(r -> r.split(",")[1]).toList();
    assertThat(times).isSorted();

    JsonNode file =
        JSON.readTree(out.resolve("report.json").toFile())
            .path("privileged_activity")
            .path("events_file");
    assertThat(file.path("file").asText()).isEqualTo("privileged-events.csv");
    assertThat(file.path("events_listed_at_most").asInt()).isEqualTo(PrivilegedEvent.AT_MOST);
    assertThat(file.path("events").asLong()).isEqualTo(59);
    assertThat(file.path("events_listed").asLong()).isEqualTo(59);
    assertThat(file.path("events_not_listed").asLong()).isZero();
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("<p>privileged-events.csv lists these 59 privileged events one by one");
    assertThat(JSON.readTree(out.resolve("report.json").toFile()).path("notes")).isEmpty();

    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.path("files").findValuesAsText("name")).contains("privileged-events.csv");
    assertThat(ReportVerifier.verify(out, null).problems()).isEmpty();
    Files.writeString(
        out.resolve("privileged-events.csv"),
        Files.readString(out.resolve("privileged-events.csv")).replace("root_use", "nothing"));
    assertThat(ReportVerifier.verify(out, null).problems())
        .singleElement()
        .asString()
        .startsWith(
            "privileged-events.csv: SHA-256 differs from the manifest (the file was changed");
  }

  @Test
  void aListCutAtItsCapKeepsEveryRootUseAndSaysSoOnTheCoverInItsSectionAndInTheJson()
      throws IOException {
    Path run = temp.resolve("run");
    Files.createDirectories(run);
    Fixtures.write(run.resolve("alerts.jsonl"), List.of());
    Fixtures.write(run.resolve("deadletters.jsonl"), List.of());
    List<String> events = new ArrayList<>();
    int changes = PrivilegedEvent.AT_MOST + 5;
    for (int i = 0; i < changes; i++) {
      events.add(
          Fixtures.privilegedEvent(
              String.format("p%05d", i),
              String.format("2025-06-01T%02d:%02d:%02dZ", i / 3600, i / 60 % 60, i % 60),
              "AWS_CLOUDTRAIL",
              "POLICY_CHANGE",
              "SUCCESS",
              "arn:aws:iam::111122223333:user/admin",
              "admin",
              "USER",
              false,
              "111122223333"));
    }
    // Three root sign-ins at the month's end: the latest events, kept all the same.
    for (int i = 0; i < 3; i++) {
      events.add(
          Fixtures.privilegedEvent(
              "root" + i,
              "2025-06-30T2" + i + ":00:00Z",
              "AWS_CLOUDTRAIL",
              "AUTHENTICATION",
              "SUCCESS",
              "arn:aws:iam::111122223333:root",
              "root",
              "ROOT",
              true,
              "111122223333"));
    }
    Fixtures.write(run.resolve("events.jsonl"), events);
    Path out = temp.resolve("out");
    ReportFiles.write(report(run), out, null);

    List<String> rows = rows(out.resolve("privileged-events.csv"));
    assertThat(rows).hasSize(1 + PrivilegedEvent.AT_MOST);
    assertThat(rows.subList(rows.size() - 3, rows.size()))
        .allMatch(row -> row.startsWith("root") && row.endsWith(",root_use,"));
    // The earliest policy changes are kept; the last 8 of them make room for the root use.
    assertThat(rows.get(1)).startsWith("p00000,");
    assertThat(rows.get(rows.size() - 4)).startsWith(String.format("p%05d,", changes - 9));

    String line =
        "privileged-events.csv lists 10000 of the period's 10008 privileged events, at most 10000:"
            + " every root use first, then the earliest others; 8 are not listed there, and are"
            + " counted in section 3 and found in the events index.";
    JsonNode json = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(json.path("notes").findValuesAsText("")).isEmpty();
    assertThat(json.path("notes").get(0).asText()).isEqualTo(line);
    JsonNode file = json.path("privileged_activity").path("events_file");
    assertThat(file.path("events").asLong()).isEqualTo(10008);
    assertThat(file.path("events_listed").asLong()).isEqualTo(10000);
    assertThat(file.path("events_not_listed").asLong()).isEqualTo(8);
    assertThat(file.path("note").asText()).isEqualTo(line);
    String html = Files.readString(out.resolve("report.html"));
    // On the cover and under the section.
    assertThat(html.split(java.util.regex.Pattern.quote(ReportHtml.escape(line)), -1)).hasSize(3);
  }
}
