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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReportPeriod NOVEMBER = ReportPeriod.parse("2026-11");
  private static KeyPair keys;
  private static KeyPair otherKeys;

  @TempDir Path temp;

  @BeforeAll
  static void generateKeys() throws Exception {
    keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    otherKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  private ComplianceReport report(Path run) throws IOException {
    FileReportSource source = new FileReportSource(run);
    return ComplianceReport.build(
        NOVEMBER, source.description(), "1.2.3", source.read(NOVEMBER), ControlCatalog.builtIn());
  }

  private Path write(String name, PrivateKey key) throws IOException {
    Path out = temp.resolve(name);
    ReportFiles.write(report(Fixtures.run(temp.resolve("run"))), out, key);
    return out;
  }

  @Test
  void theSameInputGivesByteIdenticalFiles() throws IOException {
    Path first = write("first", keys.getPrivate());
    Path second = write("second", keys.getPrivate());

    for (String name :
        List.of(
            "report.pdf",
            "report.html",
            "alerts.csv",
            "report.json",
            "manifest.json",
            "manifest.json.sig")) {
      assertThat(Files.readAllBytes(second.resolve(name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(first.resolve(name)));
    }
  }

  @Test
  void theSameInputCopiedElsewhereGivesByteIdenticalFilesAndNoHostPath() throws IOException {
    Path original = Fixtures.run(temp.resolve("run"));
    Path archived = Fixtures.run(temp.resolve("archive/2026/another-name"));
    Path first = temp.resolve("first");
    Path second = temp.resolve("second");
    ReportFiles.write(report(original), first, keys.getPrivate());
    ReportFiles.write(report(archived), second, keys.getPrivate());

    for (String name :
        List.of(
            "report.pdf",
            "report.html",
            "alerts.csv",
            "report.json",
            "manifest.json",
            "manifest.json.sig")) {
      assertThat(Files.readAllBytes(second.resolve(name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(first.resolve(name)));
    }
    for (String name : List.of("report.html", "report.json", "manifest.json")) {
      assertThat(Files.readString(first.resolve(name))).as(name).doesNotContain(temp.toString());
    }
    assertThat(pdfText(first)).doesNotContain(temp.toString());
  }

  @Test
  void partFilesAreListedByTheirPathBelowTheInputDirectory() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    Path parts = Files.createDirectories(run.resolve("alerts/2026-11-20--10"));
    Files.move(run.resolve("alerts.jsonl"), parts.resolve("part-0-0"));

    assertThat(new FileReportSource(run).description().files())
        .extracting(FileDigest::name)
        .containsExactly("alerts/2026-11-20--10/part-0-0", "events.jsonl", "deadletters.jsonl");
  }

  @Test
  void anOpenSearchInputIsRecordedByItsUrlsWithoutCredentialsAndItsAliases() {
    InputDescription input =
        InputDescription.openSearch(
            List.of(
                URI.create("https://reports:s3cr3t@search-1.example:9200/os?token=s3cr3t"),
                URI.create("https://search-2.example:9200")),
            Map.of("alerts", "vigil-alerts"));

    String json = ReportJson.input(input).toString();
    assertThat(json)
        .isEqualTo(
            "{\"kind\":\"opensearch\",\"urls\":[\"https://search-1.example:9200/os\","
                + "\"https://search-2.example:9200\"],\"aliases\":{\"alerts\":\"vigil-alerts\"}}");
    assertThat(input.describe())
        .isEqualTo(
            "OpenSearch at https://search-1.example:9200/os, https://search-2.example:9200"
                + " (aliases vigil-alerts)");
  }

  @Test
  void manifestsOfTheEarlierFormatsStillVerify() throws IOException {
    for (String earlier : List.of("vigil-report-manifest/1", "vigil-report-manifest/2")) {
      Path out = write("out-" + earlier.substring(earlier.length() - 1), null);
      Path manifest = out.resolve("manifest.json");
      Files.writeString(
          manifest,
          Files.readString(manifest).replace("\"vigil-report-manifest/3\"", "\"" + earlier + "\""));

      assertThat(ReportVerifier.verify(out, null).problems()).as(earlier).isEmpty();
    }
  }

  /**
   * The manifest names what produced the report: the Vigil version, and the rules the alerts came
   * from by id and version. The rule pack it cannot know (an alert does not record it), and it says
   * so rather than name one; report.json and the cover say the same.
   */
  @Test
  void theManifestNamesTheVersionAndTheRulesTheAlertsCameFromAndThatThePackIsUnknown()
      throws IOException {
    Path out = write("out", null);

    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.path("format").asText()).isEqualTo("vigil-report-manifest/3");
    assertThat(manifest.path("vigil_version").asText()).isEqualTo("1.2.3");
    JsonNode rules = manifest.path("rules");
    assertThat(rules.has("rule_pack")).isTrue();
    assertThat(rules.path("rule_pack").isNull()).isTrue();
    assertThat(rules.path("rule_pack_unknown_because").asText())
        .isEqualTo(ReportText.RULE_PACK_UNKNOWN);
    // November's alerts: one of each of three rules (c3 delivered twice is one; z9 is October's).
    assertThat(rules.path("fired").toString())
        .isEqualTo(
            "[{\"rule_id\":\"r-custom_rule\",\"rule_version\":1,\"alerts\":1},"
                + "{\"rule_id\":\"r-denied_access_spike\",\"rule_version\":1,\"alerts\":1},"
                + "{\"rule_id\":\"r-policy_change\",\"rule_version\":1,\"alerts\":1}]");
    assertThat(JSON.readTree(out.resolve("report.json").toFile()).path("rules")).isEqualTo(rules);
    assertThat(Files.readString(out.resolve("report.html")))
        .contains(
            "<dt>Rules</dt><dd>3 rules fired (id and version of each in report.json and"
                + " manifest.json). The rule pack is not known: the alerts do not record it.</dd>");
  }

  @Test
  void theManifestListsEveryFileWithItsDigestPeriodAndInput() throws IOException {
    Path out = write("out", null);

    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.path("format").asText()).isEqualTo("vigil-report-manifest/3");
    assertThat(manifest.path("vigil_version").asText()).isEqualTo("1.2.3");
    assertThat(manifest.path("period").path("from").asText()).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(manifest.path("period").path("to").asText()).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(manifest.path("input").path("kind").asText()).isEqualTo("files");
    assertThat(manifest.path("input").has("location")).isFalse();
    assertThat(manifest.path("input").path("files").findValuesAsText("name"))
        .containsExactly("alerts.jsonl", "events.jsonl", "deadletters.jsonl");
    assertThat(manifest.path("files").findValuesAsText("name"))
        .containsExactly(
            "alerts.csv", "privileged-events.csv", "report.html", "report.json", "report.pdf");
    for (JsonNode file : manifest.path("files")) {
      Path path = out.resolve(file.path("name").asText());
      assertThat(file.path("sha256").asText())
          .isEqualTo(FileDigest.sha256Hex(Files.readAllBytes(path)));
      assertThat(file.path("size").asLong()).isEqualTo(Files.size(path));
    }
    assertThat(manifest.path("signature").isNull()).isTrue();
    assertThat(out.resolve("manifest.json.sig")).doesNotExist();
  }

  @Test
  void noOutputHoldsRawRecordsOrTheirSecrets() throws IOException {
    Path out = write("out", keys.getPrivate());

    for (String name : List.of("alerts.csv", "report.html", "report.json", "manifest.json")) {
      assertThat(Files.readString(out.resolve(name))).as(name).doesNotContain("s3cr3t", "\"raw\"");
    }
    assertThat(pdfText(out)).doesNotContain("s3cr3t");
  }

  @Test
  void everyFileIsOwnerOnlyWhateverTheUmask() throws IOException {
    Path out = write("out", keys.getPrivate());

    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.toList())
          .as("actors, user names and addresses of the period")
          .hasSize(7)
          .allSatisfy(
              file ->
                  assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                      .as(file.getFileName().toString())
                      .isEqualTo("rw-------"));
    }
  }

  @Test
  void aFailedWriteLeavesNoTemporaryCopyOfTheReport() throws IOException {
    Path out = temp.resolve("out");
    // A non-empty directory where the CSV goes: the rename over it fails.
    Files.createDirectories(out.resolve("alerts.csv/blocking"));

    assertThatThrownBy(
            () -> ReportFiles.write(report(Fixtures.run(temp.resolve("run"))), out, null))
        .isInstanceOf(IOException.class);

    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(file -> file.getFileName().toString()).toList())
          .containsExactly("alerts.csv");
    }
  }

  @Test
  void everyReadableFormStatesThatThePeriodHoldsNoData() throws IOException {
    ReportPeriod empty = ReportPeriod.parse("2019-01");
    FileReportSource source = new FileReportSource(Fixtures.run(temp.resolve("run")));
    Path out = temp.resolve("empty");
    ReportFiles.write(
        ComplianceReport.build(
            empty, source.description(), "1", source.read(empty), ControlCatalog.builtIn()),
        out,
        null);

    JsonNode json = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(json.path("data_found").asBoolean(true)).isFalse();
    assertThat(json.path("notes")).hasSize(2);
    assertThat(json.path("notes").get(0).asText()).isEqualTo(ReportText.NO_DATA);
    // 2019-01 also ended before the fixture's dead letters were received (November 2026).
    assertThat(json.path("notes").get(1).asText()).startsWith("This period ended before Vigil");
    assertThat(json.path("completeness").path("dead_letters_counted_by").asText())
        .isEqualTo("received_at");
    assertThat(json.path("completeness").path("dead_letters_received_outside_period").asLong())
        .isEqualTo(4);
    // Received at 10:00:00.250: shown to the second, as the note shows it.
    assertThat(json.path("completeness").path("first_dead_letter_received_at").asText())
        .isEqualTo("2026-11-20T10:00:00Z");
    assertThat(json.path("notes").get(1).asText()).contains("(on 2026-11-20T10:00:00Z)");
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("<h3>Notes</h3>\n<p>" + ReportText.NO_DATA + "</p>");
    assertThat(pdfText(out).replaceAll("\\s+", " "))
        .contains(ReportText.NO_DATA)
        .contains(ReportText.CONTROLS_ABOUT_NO_EVENTS)
        .doesNotContain("was monitored and nothing fired");
  }

  @Test
  void everyTimeInTheFilesIsUtcToTheSecondInOneForm() throws IOException {
    Path out = temp.resolve("times");
    ReportPeriod november = ReportPeriod.parse("2026-11");
    FileReportSource source = new FileReportSource(Fixtures.run(temp.resolve("run")));
    ReportFiles.write(
        ComplianceReport.build(
            november, source.description(), "1", source.read(november), ControlCatalog.builtIn()),
        out,
        null);

    JsonNode json = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(json.path("alerts").findValuesAsText("time"))
        .containsExactly("2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z", "2026-11-21T08:00:00Z");
    assertThat(json.path("period").path("to").asText()).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(Files.readString(out.resolve("alerts.csv")))
        .contains("\r\n2026-11-21T08:00:00Z,")
        .doesNotContain(".500Z");
  }

  @Test
  void thePdfShowsThePeriodTotalsControlsAlertsCoverageAndCompleteness() throws IOException {
    String text = pdfText(write("out", null));

    assertThat(text)
        .contains("Compliance report 2026-11")
        .contains("2026-11-01T00:00:00Z up to, not including, 2026-12-01T00:00:00Z")
        .contains("Vigil 1.2.3")
        .contains("Controls and their evidence")
        .contains("Monitoring activities")
        .contains("AUDIT_CONFIG")
        .contains("MALFORMED_JSON")
        .contains("page 1 of")
        // A row's time, severity and detection are whole, on its first line.
        .contains("2026-11-20T10:00:00Z high denied_access_spike")
        .contains("2026-11-21T08:00:00Z low custom_rule");
    assertThat(text.replaceAll("\\s+", " "))
        .contains("alice did policy_change, 3 times")
        .contains(
            "Records that could not be read (dead letters) have no event time, so they are"
                + " counted by when Vigil received them: 3 in this period; 1 received outside it.")
        .contains(
            "received outside the period 1 Events are the audit entries the sources wrote, each"
                + " counted once however often it was delivered. Vault writes two entries for every"
                + " request, the request and its response, so a Vault request counts as two events"
                + " here, refused ones included")
        .doesNotContain("No data was found");
  }

  @Test
  void aLongAlertIdIsWholeOnOneLineOfThePdfUnderItsAlert() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));
    String id = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    String other = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    Fixtures.write(
        run.resolve("alerts.jsonl"),
        List.of(
            Fixtures.alert(id, "2026-11-20T10:00:00Z", "high", "denied_access_spike", ""),
            Fixtures.alert(other, "2026-11-21T10:00:00Z", "critical", "root_token_use", "")));
    Path out = temp.resolve("out");
    ReportFiles.write(report(run), out, null);

    List<String> lines = pdfText(out).lines().toList();
    // An auditor copies the id from its line: whole, and right under the alert's own row.
    int row = indexOf(lines, "2026-11-20T10:00:00Z high denied_access_spike");
    int idLine = lines.indexOf("alert id " + id);
    assertThat(idLine).isGreaterThan(row);
    assertThat(lines.subList(row, idLine)).noneMatch(line -> line.contains("root_token_use"));
    assertThat(lines).contains("alert id " + other);
  }

  private static int indexOf(List<String> lines, String start) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(start)) {
        return i;
      }
    }
    throw new AssertionError("no line starts with " + start + " in " + lines);
  }

  @Test
  void aSignedReportVerifiesWithItsPublicKeyAndNotWithAnother() throws IOException {
    Path out = write("out", keys.getPrivate());

    ReportVerifier.Result good = ReportVerifier.verify(out, keys.getPublic());
    assertThat(good.problems()).isEmpty();
    assertThat(good.filesChecked()).isEqualTo(5);
    assertThat(good.signed()).isTrue();

    assertThat(ReportVerifier.verify(out, otherKeys.getPublic()).problems())
        .containsExactly(
            "manifest.json: signed by the key with SHA-256 "
                + ManifestSigning.fingerprint(keys.getPublic())
                + ", not by the given public key ("
                + ManifestSigning.fingerprint(otherKeys.getPublic())
                + ")");
  }

  @Test
  void theManifestNamesItsSigningKeyByTheSha256OfItsPublicKey() throws IOException {
    Path out = write("out", keys.getPrivate());

    JsonNode signature = JSON.readTree(out.resolve("manifest.json").toFile()).path("signature");
    // openssl pkey -pubin -in public.pem -outform DER | sha256sum
    assertThat(signature.path("signing_key").asText())
        .isEqualTo(FileDigest.sha256Hex(keys.getPublic().getEncoded()))
        .isNotEqualTo(FileDigest.sha256Hex(otherKeys.getPublic().getEncoded()));
    assertThat(ReportVerifier.verify(out, null).notes())
        .containsExactly(
            "signature not checked: give the signer's public key with --public-key (the manifest"
                + " names the key with SHA-256 "
                + FileDigest.sha256Hex(keys.getPublic().getEncoded())
                + ")");
  }

  @Test
  void thePublicKeyIsDerivedFromAPrivateKeyReadFromPem() throws IOException {
    Path privatePem = temp.resolve("signing.pem");
    Files.writeString(privatePem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));

    PrivateKey read = ManifestSigning.readPrivateKey(privatePem);

    assertThat(ManifestSigning.publicKeyOf(read).getEncoded())
        .isEqualTo(keys.getPublic().getEncoded());
    assertThat(ManifestSigning.publicKeyOf(otherKeys.getPrivate()).getEncoded())
        .isEqualTo(otherKeys.getPublic().getEncoded());
  }

  @Test
  void aManifestWhoseSigningKeyWasRewrittenFailsTheSignature() throws IOException {
    Path out = write("out", keys.getPrivate());
    Path manifest = out.resolve("manifest.json");
    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replace(
                ManifestSigning.fingerprint(keys.getPublic()),
                ManifestSigning.fingerprint(otherKeys.getPublic())));

    assertThat(ReportVerifier.verify(out, otherKeys.getPublic()).problems())
        .singleElement()
        .asString()
        .startsWith("manifest.json: the signature does not verify");
  }

  @Test
  void aChangedHtmlFileIsDetected() throws IOException {
    Path out = write("out", keys.getPrivate());
    Path html = out.resolve("report.html");
    Files.writeString(html, Files.readString(html).replace("critical", "low     "));

    assertThat(ReportVerifier.verify(out, keys.getPublic()).problems())
        .containsExactly("report.html: SHA-256 differs from the manifest (the file was changed)");
  }

  @Test
  void theHtmlShowsThePdfsContentInOneSelfContainedPage() throws IOException {
    String html = Files.readString(write("out", null).resolve("report.html"));

    assertThat(html)
        .startsWith("<!DOCTYPE html>\n")
        .contains("<title>Vigil compliance report 2026-11</title>")
        .contains("<h1>Compliance report 2026-11</h1>")
        .contains("2026-11-01T00:00:00Z up to, not including, 2026-12-01T00:00:00Z")
        .contains("Vigil 1.2.3")
        .contains("1 Controls and their evidence")
        .contains("Monitoring activities")
        .contains("alice did policy_change, 3 times")
        .contains("<td>AUDIT_CONFIG</td>")
        .contains("<td>MALFORMED_JSON</td>")
        .contains("<p>" + ReportText.EVENTS_COUNTED + "</p>")
        .contains("was monitored and nothing fired, over the sources that logged in the period")
        .contains("5 Completeness")
        .doesNotContain("<script", "src=", "href=", "url(", "@import", "\r");
  }

  @Test
  void anEditedSizeInTheManifestIsAProblemBeforeTheSignatureThatItBreaks() throws IOException {
    Path out = write("out", keys.getPrivate());
    Path manifest = out.resolve("manifest.json");
    long size = Files.size(out.resolve("report.pdf"));
    Files.writeString(
        manifest,
        Files.readString(manifest).replace("\"size\" : " + size, "\"size\" : " + (size + 1)));
    String sizeProblem =
        "report.pdf: size differs from the manifest (the manifest was changed; "
            + size
            + " bytes, listed "
            + (size + 1)
            + ")";

    assertThat(ReportVerifier.verify(out, null).problems()).containsExactly(sizeProblem);
    List<String> withKey = ReportVerifier.verify(out, keys.getPublic()).problems();
    assertThat(withKey).hasSize(2).first().isEqualTo(sizeProblem);
    assertThat(withKey.get(1)).startsWith("manifest.json: the signature does not verify");
  }

  @Test
  void aChangedFileIsDetectedWithOrWithoutAKey() throws IOException {
    Path out = write("out", keys.getPrivate());
    Path csv = out.resolve("alerts.csv");
    Files.writeString(csv, Files.readString(csv).replace("critical", "low     "));

    assertThat(ReportVerifier.verify(out, null).problems())
        .containsExactly("alerts.csv: SHA-256 differs from the manifest (the file was changed)");
    assertThat(ReportVerifier.verify(out, keys.getPublic()).problems())
        .containsExactly("alerts.csv: SHA-256 differs from the manifest (the file was changed)");
  }

  @Test
  void aManifestRewrittenToMatchAChangedFileFailsTheSignature() throws IOException {
    Path out = write("out", keys.getPrivate());
    Path csv = out.resolve("alerts.csv");
    Files.writeString(csv, Files.readString(csv) + "forged,row\r\n");
    Path manifest = out.resolve("manifest.json");
    JsonNode listed = JSON.readTree(manifest.toFile()).path("files").get(0);
    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replace(listed.path("sha256").asText(), FileDigest.sha256Hex(Files.readAllBytes(csv)))
            .replace(
                "\"size\" : " + listed.path("size").asLong(), "\"size\" : " + Files.size(csv)));

    // The hashes agree again: only the signature tells.
    assertThat(ReportVerifier.verify(out, null).problems()).isEmpty();
    assertThat(ReportVerifier.verify(out, keys.getPublic()).problems())
        .singleElement()
        .asString()
        .startsWith("manifest.json: the signature does not verify");
  }

  @Test
  void missingAddedAndUnsignedFilesAreProblems() throws IOException {
    Path out = write("out", keys.getPrivate());
    Files.delete(out.resolve("report.pdf"));
    Files.writeString(out.resolve("notes.txt"), "added later");

    assertThat(ReportVerifier.verify(out, keys.getPublic()).problems())
        .containsExactly("report.pdf: missing", "notes.txt: not listed in the manifest");

    Files.delete(out.resolve("notes.txt"));
    Files.delete(out.resolve("manifest.json.sig"));
    assertThat(ReportVerifier.verify(out, null).problems())
        .anyMatch(problem -> problem.startsWith("manifest.json.sig: missing"));
  }

  @Test
  void anUnsignedRunRemovesTheSignatureOfAnEarlierOne() throws IOException {
    Path out = write("out", keys.getPrivate());
    assertThat(out.resolve("manifest.json.sig")).exists();

    ReportFiles.write(report(temp.resolve("run")), out, null);

    assertThat(out.resolve("manifest.json.sig")).doesNotExist();
    ReportVerifier.Result result = ReportVerifier.verify(out, null);
    assertThat(result.problems()).isEmpty();
    assertThat(result.notes())
        .containsExactly("the report is unsigned: the hashes show damage, not forgery");
  }

  @Test
  void aDirectoryWithOtherFilesIsRefused() throws IOException {
    Path run = Fixtures.run(temp.resolve("run"));

    assertThatThrownBy(() -> ReportFiles.write(report(run), run, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alerts.jsonl")
        .hasMessageContaining("use a new or empty directory");
  }

  @Test
  void keysAreReadFromPemFilesAsOpensslWritesThem() throws IOException {
    Path privatePem = temp.resolve("signing.pem");
    Path publicPem = temp.resolve("public.pem");
    Files.writeString(privatePem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(publicPem, pem("PUBLIC KEY", keys.getPublic().getEncoded()));

    byte[] content = "manifest".getBytes(StandardCharsets.UTF_8);
    String signature = ManifestSigning.sign(ManifestSigning.readPrivateKey(privatePem), content);

    assertThat(ManifestSigning.verify(ManifestSigning.readPublicKey(publicPem), content, signature))
        .isTrue();
    assertThat(
            ManifestSigning.verify(
                ManifestSigning.readPublicKey(publicPem),
                "other".getBytes(StandardCharsets.UTF_8),
                signature))
        .isFalse();
    assertThatThrownBy(() -> ManifestSigning.readPrivateKey(publicPem))
        .hasMessage(
            "private key file "
                + publicPem
                + " holds no '-----BEGIN PRIVATE KEY-----' block (PEM)");
    assertThatThrownBy(() -> ManifestSigning.readPrivateKey(temp.resolve("none.pem"), "none.pem"))
        .hasMessage("cannot read private key file none.pem: no such file or directory");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void thePdfIsPaginatedByContentNotByRow() throws IOException {
    try (PDDocument pdf = Loader.loadPDF(write("out", null).resolve("report.pdf").toFile())) {
      // cover, controls, alerts, coverage with 30 days and completeness
      assertThat(pdf.getNumberOfPages()).isBetween(4, 7);
    }
  }

  private static String pdfText(Path out) throws IOException {
    try (PDDocument pdf = Loader.loadPDF(out.resolve("report.pdf").toFile())) {
      return new PDFTextStripper().getText(pdf);
    }
  }
}
