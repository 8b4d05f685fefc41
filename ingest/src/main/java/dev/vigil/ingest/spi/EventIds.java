package dev.vigil.ingest.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable event ids for records that carry no id of their own. */
public final class EventIds {

  private static final MessageDigest SHA256 = newSha256();

  private EventIds() {}

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * {@code sha256:<hex>} of the raw record's exact text: the same record always gives the same id.
   */
  public static String ofRaw(String raw) {
    return "sha256:"
        + HexFormat.of().formatHex(sha256().digest(raw.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A fresh digest, cloned: looking the algorithm up in the providers for every record cost more.
   */
  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 digest is cloneable", e);
    }
  }

  /**
   * The part of an event id that names the request: a Vault request and its response (ids {@code
   * <request.id>:request} and {@code <request.id>:response}) share it, so detections count them
   * once. For every other id it is the id itself.
   */
  public static String requestKey(dev.vigil.event.AuditEvent event) {
    return requestKey(event.getSource(), event.getEventId());
  }

  /** {@link #requestKey(dev.vigil.event.AuditEvent)} from an event's source and id alone. */
  public static String requestKey(dev.vigil.event.Source source, String eventId) {
    if (source == dev.vigil.event.Source.VAULT) {
      int colon = eventId.lastIndexOf(':');
      if (colon > 0 && !eventId.startsWith("sha256:")) {
        return eventId.substring(0, colon);
      }
    }
    return eventId;
  }
}
