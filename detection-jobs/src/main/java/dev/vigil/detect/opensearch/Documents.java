package dev.vigil.detect.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small pieces the document mappers share. */
final class Documents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Documents() {}

  static byte[] write(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Source source(JsonNode event) {
    String name = event.path("source").asText("");
    for (Source source : Source.values()) {
      if (source.name().equals(name)) {
        return source;
      }
    }
    return null;
  }

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
