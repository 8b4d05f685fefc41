package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.reports.FileDigest;
import dev.vigil.reports.ManifestSigning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil report} and {@code vigil report verify} over the output of the embedded {@code vigil
 * demo}, shared with the other classes that read it ({@link SamplesDemo#embedded}).
 */
class ReportOfTheDemoITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static Path demoOut;
  private static Path privateKey;
  private static Path publicKey;

  @BeforeAll
  static void copyTheDemoAndMakeAKey() throws IOException, GeneralSecurityException {
    SamplesDemo.Run demo = SamplesDemo.embedded();
    assertThat(demo.result().exitCode()).as(demo.result().stderr()).isZero();
    // A copy of what the demo wrote, named as the reports below give it.
    demoOut = Files.createDirectories(temp.resolve("demo"));
    for (String name : List.of(Demo.ALERTS_FILE, Demo.EVENTS_FILE, Demo.DEAD_LETTERS_FILE)) {
      Files.copy(demo.outDir().resolve(name), demoOut.resolve(name));
    }
    SigningKeys keys = SigningKeys.writeTo(temp);
    privateKey = keys.privateKey();
    publicKey = keys.publicKey();
  }

  private static CliRun cli() {
    return new CliRun(temp, List.of());
  }

  @Test
  void aSignedReportOfTheDemoMonthIsReproducibleFromACopyAndVerifies() throws IOException {
    Path archived = Files.createDirectories(temp.resolve("archive/demo-copy"));
    try (var files = Files.list(demoOut)) {
      for (Path file : files.toList()) {
        Files.copy(file, archived.resolve(file.getFileName()));
      }
    }
    CliRun.Result first =
        cli()
            .environment(Map.of(ReportCommand.SIGNING_KEY_ENV, privateKey.toString()))
            .execute("report", "--period", "2026-11", "--input", "demo", "--out", "first");
    CliRun.Result second =
        cli()
            .execute(
                "report",
                "--period",
                "2026-11",
                "--input",
                "archive/demo-copy",
                "--out",
                "second",
                "--signing-key",
                privateKey.toString());

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(second.exitCode()).as(second.stderr()).isZero();
    assertThat(first.stderrLines().get(0))
        .isEqualTo(
            "vigil report: 2026-11: 15 alerts, 322 events, 2 dead letters, from files in demo");
    assertThat(first.stderr()).contains("signed (Ed25519)").doesNotContain("PRIVATE KEY");
    for (String name :
        List.of(
            "report.pdf",
            "report.html",
            "alerts.csv",
            "privileged-events.csv",
            "report.json",
            "manifest.json",
            "manifest.json.sig")) {
      assertThat(Files.readAllBytes(temp.resolve("second").resolve(name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(temp.resolve("first").resolve(name)));
    }
    JsonNode report = JSON.readTree(temp.resolve("first/report.json").toFile());
    assertThat(report.path("totals").path("alerts").asLong()).isEqualTo(15);
    assertThat(report.path("coverage").path("events_by_category").path("AUDIT_CONFIG").asLong())
        .isPositive();
    assertThat(Files.readAllLines(temp.resolve("first/alerts.csv"))).hasSize(16);

    CliRun.Result verified =
        cli().execute("report", "verify", "first", "--public-key", publicKey.toString());
    assertThat(verified.exitCode()).as(verified.stderr()).isZero();
    assertThat(verified.stderr())
        .isEqualTo(
            "vigil report verify: first: intact, 5 files checked against the manifest,"
                + " signature valid\n");
  }

  @Test
  void aPeriodWithoutDataIsWrittenWithAOneLineWarningAndExitsZero() throws IOException {
    CliRun.Result empty =
        cli().execute("report", "--period", "2019-01", "--input", "demo", "--out", "empty");

    assertThat(empty.exitCode()).as(empty.stderr()).isZero();
    assertThat(empty.stderrLines())
        .contains(
            "vigil report: warning: no data for 2019-01: the input has no alerts, events or dead"
                + " letters in it (check --period and the input); the report was written and says"
                + " so")
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(
                        "vigil report: warning: 2019-01 ended before the input's first dead letter"
                            + " was received (2026-11-")
                    .endsWith(
                        "); dead letters are counted by receipt, so the report cannot judge the"
                            + " period's completeness (2 received outside it)"));
    JsonNode report = JSON.readTree(temp.resolve("empty/report.json").toFile());
    assertThat(report.path("data_found").asBoolean(true)).isFalse();
    // The same time in the same form on stderr and in the report's note, to the second.
    String warning =
        empty.stderrLines().stream()
            .filter(line -> line.contains("ended before"))
            .findFirst()
            .get();
    java.util.regex.Matcher time =
        java.util.regex.Pattern.compile("\\((\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)\\)")
            .matcher(warning);
    assertThat(time.find()).as(warning).isTrue();
    assertThat(report.path("notes").toString()).contains("(on " + time.group(1) + ")");
  }

  @Test
  void verifyWithAnotherKeySaysInOneLineWhichKeySigned() throws Exception {
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path otherPublic = temp.resolve("other-public.pem");
    Files.writeString(otherPublic, SigningKeys.pem("PUBLIC KEY", other.getPublic().getEncoded()));
    CliRun.Result made =
        cli()
            .execute(
                "report",
                "--from",
                "2026-11-20",
                "--to",
                "2026-11-21",
                "--input",
                "demo",
                "--out",
                "other-key",
                "--signing-key",
                privateKey.toString());
    assertThat(made.exitCode()).as(made.stderr()).isZero();
    assertThat(made.stderrLines().get(1)).contains("report.html");

    CliRun.Result verified =
        cli().execute("report", "verify", "other-key", "--public-key", otherPublic.toString());

    assertThat(verified.exitCode()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    String signer = FileDigest.sha256Hex(ManifestSigning.readPublicKey(publicKey).getEncoded());
    assertThat(verified.stderrLines())
        .containsExactly(
            "other-key/manifest.json: signed by the key with SHA-256 "
                + signer
                + ", not by the given public key ("
                + FileDigest.sha256Hex(other.getPublic().getEncoded())
                + ")",
            "vigil report verify: other-key: 1 problem");
  }

  @Test
  void verifyNamesEveryProblemAndFails() throws IOException {
    CliRun.Result made =
        cli()
            .execute(
                "report",
                "--from",
                "2026-11-20",
                "--to",
                "2026-11-21",
                "--input",
                "demo",
                "--out",
                "tampered",
                "--signing-key",
                privateKey.toString());
    assertThat(made.exitCode()).as(made.stderr()).isZero();
    Path csv = temp.resolve("tampered/alerts.csv");
    Files.writeString(csv, Files.readString(csv).replace("critical", "low"));

    CliRun.Result verified =
        cli().execute("report", "verify", "tampered", "--public-key", publicKey.toString());

    assertThat(verified.exitCode()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(verified.stderrLines())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("tampered/alerts.csv: SHA-256 differs from the manifest");
  }

  @Test
  void verifyReportsAnEditedSizeBeforeTheBrokenSignature() throws IOException {
    CliRun.Result made =
        cli()
            .execute(
                "report",
                "--period",
                "2026-11",
                "--input",
                "demo",
                "--out",
                "resized",
                "--signing-key",
                privateKey.toString());
    assertThat(made.exitCode()).as(made.stderr()).isZero();
    Path manifest = temp.resolve("resized/manifest.json");
    long size = Files.size(temp.resolve("resized/alerts.csv"));
    Files.writeString(
        manifest,
        Files.readString(manifest).replace("\"size\" : " + size, "\"size\" : " + (size - 1)));

    CliRun.Result verified =
        cli().execute("report", "verify", "resized", "--public-key", publicKey.toString());

    assertThat(verified.exitCode()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(verified.stderrLines()).hasSize(3);
    assertThat(verified.stderrLines().get(0))
        .isEqualTo(
            "resized/alerts.csv: size differs from the manifest (the manifest was changed; "
                + size
                + " bytes, listed "
                + (size - 1)
                + ")");
    assertThat(verified.stderrLines().get(1))
        .startsWith("resized/manifest.json: the signature does not verify");
    assertThat(verified.stderrLines().get(2)).isEqualTo("vigil report verify: resized: 2 problems");
  }
}
