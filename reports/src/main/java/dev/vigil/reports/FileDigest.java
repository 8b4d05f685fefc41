package dev.vigil.reports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's name, size and SHA-256 (lower-case hex), as a manifest lists it.
 *
 * @param name the file's name relative to the directory it is listed for
 */
public record FileDigest(String name, String sha256, long size) {

  /** Digests {@code file}, listed under {@code name}. */
  public static FileDigest of(Path file, String name) throws IOException {
    MessageDigest digest = newDigest();
    long size = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        size += n;
      }
    }
    return new FileDigest(name, HexFormat.of().formatHex(digest.digest()), size);
  }

  /** The SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
