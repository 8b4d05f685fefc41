package dev.vigil.ingest.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Stable event ids for records that carry no id of their own. */
public final class EventIds {

  private static final byte[] PREFIX = "sha256:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /**
   * One digest per thread, reset by each {@code digest} call: looking the algorithm up in the
   * providers for every record cost more than the hash of a small record, and cloning a prototype
   * still allocated its state every time.
   */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(EventIds::newSha256);

  private EventIds() {}

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * A record's own id, or null when it has none to give: absent, or blank (white space and control
   * separators only, a fuzz finding). Many records can carry the same blank id, and detections
   * count distinct event ids, so a blank one would make them all one event; the caller falls back
   * on the raw record's id instead.
   */
  public static String own(String id) {
    return id == null || id.isBlank() ? null : id;
  }

  /**
   * {@code sha256:<hex>} of the raw record's exact text: the same record always gives the same id.
   * The id is written as Latin-1 bytes directly, without a formatter and a concatenation.
   */
  public static String ofRaw(String raw) {
    byte[] utf8 = raw.getBytes(StandardCharsets.UTF_8);
    return ofUtf8(utf8, 0, utf8.length);
  }

  /**
   * {@link #ofRaw} of the text whose UTF-8 encoding is {@code length} bytes of {@code utf8} from
   * {@code offset}: the same id, without encoding the text again when its bytes are in hand.
   */
  public static String ofUtf8(byte[] utf8, int offset, int length) {
    MessageDigest sha256 = SHA256.get();
    sha256.update(utf8, offset, length);
    byte[] digest = sha256.digest();
    byte[] id = Arrays.copyOf(PREFIX, PREFIX.length + 2 * digest.length);
    int at = PREFIX.length;
    for (byte b : digest) {
      id[at++] = HEX_DIGITS[(b >> 4) & 0xF];
      id[at++] = HEX_DIGITS[b & 0xF];
    }
    return new String(id, StandardCharsets.ISO_8859_1);
  }

  /**
   * The part of an event id that names the request: a Vault request and its response (ids {@code
   * <request.id>:request} and {@code <request.id>:response}) share it, so detections count them
   * once. For every other id it is the id itself.
   */
  public static String requestKey(dev.vigil.event.AuditEvent event) {
    return requestKey(event.getSource(), event.getEventId());
  }

  /**
   * How the id of the entry Vault writes when a request arrives ends (its response's: ":response").
   */
  public static final String VAULT_REQUEST_ENTRY = ":request";

  /** How the id of a KMIP request's entry ends. */
  public static final String VAULT_KMIP_REQUEST_ENTRY = ":kmip-request";

  /** How the id of the entry Vault writes when it answers a request ends. */
  public static final String VAULT_RESPONSE_ENTRY = ":response";

  /** How the id of a KMIP request's response entry ends. */
  public static final String VAULT_KMIP_RESPONSE_ENTRY = ":kmip-response";

  /** Whether the event is the entry of a Vault request, written before its response. */
  public static boolean isVaultRequestEntry(dev.vigil.event.Source source, String eventId) {
    return source == dev.vigil.event.Source.VAULT
        && eventId != null
        && (eventId.endsWith(VAULT_REQUEST_ENTRY) || eventId.endsWith(VAULT_KMIP_REQUEST_ENTRY));
  }

  /** Whether the event is the entry Vault writes when it answers a request. */
  public static boolean isVaultResponseEntry(dev.vigil.event.Source source, String eventId) {
    return source == dev.vigil.event.Source.VAULT
        && eventId != null
        && (eventId.endsWith(VAULT_RESPONSE_ENTRY) || eventId.endsWith(VAULT_KMIP_RESPONSE_ENTRY));
  }

  /**
   * The id of the response entry of the Vault request whose request entry is {@code requestEntryId}
   * ({@code <request.id>:request} answered by {@code <request.id>:response}, {@code :kmip-request}
   * by {@code :kmip-response}).
   */
  public static String vaultResponseId(String requestEntryId) {
    boolean kmip = requestEntryId.endsWith(VAULT_KMIP_REQUEST_ENTRY);
    String request = kmip ? VAULT_KMIP_REQUEST_ENTRY : VAULT_REQUEST_ENTRY;
    return requestEntryId.substring(0, requestEntryId.length() - request.length())
        + (kmip ? VAULT_KMIP_RESPONSE_ENTRY : VAULT_RESPONSE_ENTRY);
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
