package dev.vigil.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a report's files into a directory: {@code report.pdf}, {@code report.html}, {@code
 * alerts.csv}, {@code privileged-events.csv}, {@code report.json}, then {@code manifest.json} (each
 * file's SHA-256 and size, the period, the input, the Vigil version and the rules) and, with a key,
 * {@code manifest.json.sig} (Ed25519 of the manifest's bytes, base64).
 *
 * <p>Design: the manifest is the one thing signed, and it pins every other file by digest, so a
 * verifier needs one signature check and a hash per file. A directory holding anything but a
 * report's files is refused, so a report never mixes with other files an auditor could take for
 * part of it; a signature left from an earlier run is removed when the new report is unsigned, so
 * it can never vouch for a manifest it was not made for. Each file is written to a temporary name
 * and moved into place.
 */
public final class ReportFiles {

  public static final String PDF = "report.pdf";
  public static final String CSV = "alerts.csv";
  public static final String PRIVILEGED_EVENTS_CSV = "privileged-events.csv";
  public static final String JSON_FILE = "report.json";
  public static final String HTML = "report.html";
  public static final String MANIFEST = "manifest.json";
  public static final String SIGNATURE = "manifest.json.sig";

  /**
   * The format of manifest.json; a change of shape gets a new number. Version 2 records the input
   * by what identifies it (files by relative path and digest, OpenSearch by URLs and aliases)
   * instead of version 1's {@code location}, the host path of the input. Version 3 adds {@code
   * rules}: the rules the alerts came from, and the rule pack, which the report cannot know.
   */
  public static final String MANIFEST_FORMAT = "vigil-report-manifest/3";

  /**
   * The manifest formats verify reads: the file list and the signature are the same in all, so a
   * report made before the input's description or the rules were added still verifies.
   */
  static final Set<String> VERIFIABLE_FORMATS =
      Set.of("vigil-report-manifest/1", "vigil-report-manifest/2", MANIFEST_FORMAT);

  /** Every name a report directory may hold. */
  static final Set<String> NAMES =
      Set.of(PDF, HTML, CSV, PRIVILEGED_EVENTS_CSV, JSON_FILE, MANIFEST, SIGNATURE);

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportFiles() {}

  /** What was written. */
  public record Written(List<FileDigest> files, boolean signed) {}

  /**
   * Writes the report into {@code directory} (created when missing).
   *
   * @param signingKey the Ed25519 key to sign the manifest with; null for an unsigned report
   * @throws IllegalArgumentException when the directory holds files that are not a report's
   */
  public static Written write(ComplianceReport report, Path directory, PrivateKey signingKey)
      throws IOException {
    Files.createDirectories(directory);
    refuseForeignFiles(directory);

    byte[] json = ReportJson.write(report);
    byte[] csv = AlertsCsv.write(report);
    byte[] pdf = ReportPdf.write(report, FileDigest.sha256Hex(json));
    List<FileDigest> files = new ArrayList<>();
    files.add(put(directory, CSV, csv));
    files.add(put(directory, PRIVILEGED_EVENTS_CSV, PrivilegedEventsCsv.write(report)));
    files.add(put(directory, PDF, pdf));
    files.add(put(directory, HTML, ReportHtml.write(report)));
    files.add(put(directory, JSON_FILE, json));

    String signer =
        signingKey == null
            ? null
            : ManifestSigning.fingerprint(ManifestSigning.publicKeyOf(signingKey));
    byte[] manifest = manifest(report, files, signer);
    if (signingKey != null) {
      String signature = ManifestSigning.sign(signingKey, manifest);
      put(directory, MANIFEST, manifest);
      put(directory, SIGNATURE, (signature + "\n").getBytes(StandardCharsets.US_ASCII));
    } else {
      Files.deleteIfExists(directory.resolve(SIGNATURE));
      put(directory, MANIFEST, manifest);
    }
    return new Written(List.copyOf(files), signingKey != null);
  }

  /**
   * @param signer the fingerprint of the signing key ({@link ManifestSigning#fingerprint}); null
   *     for an unsigned report
   */
  static byte[] manifest(ComplianceReport report, List<FileDigest> files, String signer) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", MANIFEST_FORMAT);
    root.put("vigil_version", report.vigilVersion());
    root.set("period", ReportJson.period(report.period()));
    root.set("input", ReportJson.input(report.input()));
    root.set("rules", ReportJson.rules(report));
    ArrayNode list = root.putArray("files");
    files.stream()
        .sorted(Comparator.comparing(FileDigest::name))
        .forEach(file -> list.add(ReportJson.digest(file)));
    if (signer != null) {
      root.putObject("signature")
          .put("algorithm", ManifestSigning.ALGORITHM)
          .put("file", SIGNATURE)
          .put("signing_key", signer);
    } else {
      root.putNull("signature");
    }
    return ReportJson.bytes(root);
  }

  private static void refuseForeignFiles(Path directory) throws IOException {
    Set<String> foreign = new TreeSet<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries
          .map(entry -> entry.getFileName().toString())
          .filter(name -> !NAMES.contains(name) && !isLeftOver(name))
          .forEach(foreign::add);
    }
    if (!foreign.isEmpty()) {
      throw new IllegalArgumentException(
          "refusing to write a report into "
              + directory
              + ": it holds files that are not part of a report ("
              + String.join(", ", foreign.stream().limit(5).toList())
              + (foreign.size() > 5 ? ", …" : "")
              + "); use a new or empty directory");
    }
  }

  /** A temporary file of an interrupted run, replaced by this one. */
  private static boolean isLeftOver(String name) {
    return name.startsWith(".")
        && name.endsWith(".tmp")
        && NAMES.contains(name.substring(1, name.length() - ".tmp".length()));
  }

  private static FileDigest put(Path directory, String name, byte[] content) throws IOException {
    Path target = directory.resolve(name);
    Path temporary = directory.resolve("." + name + ".tmp");
    try {
      OwnerOnlyFiles.write(temporary, content);
      try {
        Files.move(
            temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // A full disk or a failed rename leaves no half-written copy of the report behind.
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return new FileDigest(name, FileDigest.sha256Hex(content), content.length);
  }
}
