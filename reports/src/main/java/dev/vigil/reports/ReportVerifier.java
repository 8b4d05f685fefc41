package dev.vigil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks a report directory against its manifest: every listed file is there with the listed size
 * and SHA-256, nothing else is there, and, given the public key, the manifest's signature holds.
 * The manifest names its signing key by fingerprint, so a report checked with the wrong key says
 * which key it wants instead of only that the signature fails.
 *
 * <p>Without a public key only the hashes are checked, which catches a damaged or carelessly edited
 * file but not a forger who rewrites the manifest too: that takes the signature.
 */
public final class ReportVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportVerifier() {}

  /**
   * The outcome: one line per problem (none means the report is intact), and notes that are not
   * problems (what was not checked).
   */
  public record Result(
      List<String> problems, List<String> notes, int filesChecked, boolean signed) {
    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /**
   * @param publicKey the key to check the signature with; null to check the hashes only
   * @throws IllegalArgumentException when the directory does not exist
   * @throws IOException when the directory cannot be read
   */
  public static Result verify(Path directory, PublicKey publicKey) throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("report directory " + directory + " does not exist");
    }
    Path manifestFile = directory.resolve(ReportFiles.MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      problems.add(ReportFiles.MANIFEST + ": missing, nothing to verify against");
      return new Result(problems, notes, 0, false);
    }
    byte[] manifestBytes = Files.readAllBytes(manifestFile);
    JsonNode manifest;
    try {
      manifest = JSON.readTree(manifestBytes);
    } catch (IOException e) {
      manifest = null;
    }
    if (manifest == null
        || !ReportFiles.VERIFIABLE_FORMATS.contains(manifest.path("format").asText())
        || !manifest.path("files").isArray()) {
      problems.add(
          ReportFiles.MANIFEST
              + ": not a Vigil report manifest ("
              + String.join(" or ", new TreeSet<>(ReportFiles.VERIFIABLE_FORMATS))
              + ")");
      return new Result(problems, notes, 0, false);
    }

    Set<String> listed = new HashSet<>();
    int checked = 0;
    for (JsonNode entry : manifest.path("files")) {
      String name = entry.path("name").asText("");
      if (!isPlainName(name)
          || name.equals(ReportFiles.MANIFEST)
          || name.equals(ReportFiles.SIGNATURE)) {
        problems.add(
            ReportFiles.MANIFEST + ": lists '" + name + "', which is not a file of a report");
        continue;
      }
      listed.add(name);
      Path file = directory.resolve(name);
      if (!Files.isRegularFile(file)) {
        problems.add(name + ": missing");
        continue;
      }
      FileDigest actual = FileDigest.of(file, name);
      checked++;
      JsonNode listedSize = entry.path("size");
      boolean sizeAgrees = listedSize.isIntegralNumber() && listedSize.asLong() == actual.size();
      String sizes =
          actual.size()
              + " bytes, listed "
              + (listedSize.isMissingNode() ? "none" : listedSize.toString());
      if (!actual.sha256().equals(entry.path("sha256").asText())) {
        problems.add(
            name
                + ": SHA-256 differs from the manifest (the file was changed"
                + (sizeAgrees ? "" : "; " + sizes)
                + ")");
      } else if (!sizeAgrees) {
        // The bytes are the ones the manifest's digest names, so the manifest is what changed.
        problems.add(
            name + ": size differs from the manifest (the manifest was changed; " + sizes + ")");
      }
    }
    for (String name : extraFiles(directory, listed)) {
      problems.add(name + ": not listed in the manifest");
    }

    boolean claimsSigned = manifest.path("signature").isObject();
    Path signatureFile = directory.resolve(ReportFiles.SIGNATURE);
    boolean hasSignature = Files.isRegularFile(signatureFile);
    if (claimsSigned && !hasSignature) {
      problems.add(
          ReportFiles.SIGNATURE + ": missing, though the manifest says the report is signed");
    } else if (!claimsSigned && hasSignature) {
      problems.add(
          ReportFiles.SIGNATURE + ": present, though the manifest says the report is unsigned");
    }
    String signer = manifest.path("signature").path("signing_key").asText("");
    if (publicKey != null) {
      String given = ManifestSigning.fingerprint(publicKey);
      if (!hasSignature) {
        if (!claimsSigned) {
          problems.add(ReportFiles.MANIFEST + ": unsigned, so the public key cannot vouch for it");
        }
      } else if (!signer.isEmpty() && !signer.equals(given)) {
        // One line that says which key to ask for; the signature cannot hold for another key.
        problems.add(
            ReportFiles.MANIFEST
                + ": signed by the key with SHA-256 "
                + signer
                + ", not by the given public key ("
                + given
                + ")");
      } else {
        String signature = Files.readString(signatureFile, StandardCharsets.US_ASCII);
        if (!ManifestSigning.verify(publicKey, manifestBytes, signature)) {
          problems.add(
              ReportFiles.MANIFEST
                  + ": the signature does not verify with this public key (the manifest was"
                  + " changed, or signed with another key)");
        }
      }
    } else if (hasSignature) {
      notes.add(
          "signature not checked: give the signer's public key with --public-key"
              + (signer.isEmpty()
                  ? ""
                  : " (the manifest names the key with SHA-256 " + signer + ")"));
    } else {
      notes.add("the report is unsigned: the hashes show damage, not forgery");
    }
    return new Result(problems, notes, checked, hasSignature);
  }

  private static boolean isPlainName(String name) {
    return !name.isEmpty()
        && !name.equals(".")
        && !name.equals("..")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0;
  }

  private static Set<String> extraFiles(Path directory, Set<String> listed) throws IOException {
    Set<String> extra = new TreeSet<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries
          .map(entry -> entry.getFileName().toString())
          .filter(name -> !listed.contains(name))
          .filter(name -> !name.equals(ReportFiles.MANIFEST) && !name.equals(ReportFiles.SIGNATURE))
          .forEach(extra::add);
    }
    return extra;
  }
}
