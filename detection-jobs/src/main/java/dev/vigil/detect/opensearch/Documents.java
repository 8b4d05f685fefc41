package dev.vigil.detect.opensearch;

import dev.vigil.event.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small pieces the document mappers share. */
final class Documents {

  private Documents() {}

  /** A digest of reason, origin and bytes: the same dead letter always gets the same id. */
  static String deadLetterId(DeadLetter deadLetter) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(deadLetter.getReason().name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(deadLetter.getOrigin().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      ByteBuffer raw = deadLetter.getRaw().duplicate();
      sha.update(raw);
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
