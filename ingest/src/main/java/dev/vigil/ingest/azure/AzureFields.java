package dev.vigil.ingest.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.spi.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The top-level members of one Azure record, found whatever their case: the same field arrives as
 * {@code callerIpAddress}, {@code CallerIPAddress} (resource logs) and {@code calleripaddress}
 * (Panther exports), {@code level} as {@code Level}, {@code identity} as {@code Identity}.
 *
 * <p>Design: one pass over the record's own keys. Each key is resolved through a map of the exact
 * spellings seen so far (a hash lookup on Jackson's canonical key strings, whose hash is cached),
 * and only a spelling not seen before goes through the case-insensitive table of the keys the
 * parser reads; the spellings map is capped so that records with invented keys cannot grow it.
 */
final class AzureFields {

  /** The top-level keys the parser reads, by their usual spelling. */
  enum Field {
    TIME("time"),
    EVENT_TIMESTAMP("eventTimestamp"),
    EVENT_TIME_STRING("EventTimeString"),
    ACTIVITY_DATE_TIME("activityDateTime"),
    OPERATION_NAME("operationName"),
    EVENT_NAME("EventName"),
    ACTIVITY_DISPLAY_NAME("activityDisplayName"),
    CATEGORY("category"),
    RESULT_TYPE("resultType"),
    RESULT_SIGNATURE("resultSignature"),
    RESULT_DESCRIPTION("resultDescription"),
    RESULT("result"),
    STATUS("status"),
    SUB_STATUS("subStatus"),
    HTTP_STATUS_CODE("httpStatusCode"),
    STATUS_CODE("statusCode"),
    STATUS_TEXT("statusText"),
    CALLER_IP_ADDRESS("callerIpAddress"),
    IP_ADDRESS("ipAddress"),
    HTTP_REQUEST("httpRequest"),
    CORRELATION_ID("correlationId"),
    EVENT_DATA_ID("eventDataId"),
    SUBMISSION_TIMESTAMP("submissionTimestamp"),
    IDENTITY("identity"),
    CLAIMS("claims"),
    CALLER("caller"),
    AUTHORIZATION("authorization"),
    PROPERTIES("properties"),
    RESOURCE_ID("resourceId"),
    RESOURCE_TYPE("resourceType"),
    SUBSCRIPTION_ID("subscriptionId"),
    TENANT_ID("tenantId"),
    LOCATION("location"),
    REGION("Region"),
    URI("uri"),
    INITIATED_BY("initiatedBy"),
    TARGET_RESOURCES("targetResources"),
    LOGGED_BY_SERVICE("loggedByService");

    private final String key;

    Field(String key) {
      this.key = key;
    }
  }

  private static final Map<String, Field> BY_KEY = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  /** Spellings already resolved; {@link Optional#empty()} for a key the parser does not read. */
  private static final Map<String, Optional<Field>> SPELLINGS = new ConcurrentHashMap<>();

  private static final int SPELLINGS_LIMIT = 4_096;

  static {
    for (Field field : Field.values()) {
      BY_KEY.put(field.key, field);
    }
  }

  /** {@link #of} as the constant {@link dev.vigil.ingest.spi.SourceRecord#view} keys views by. */
  static final Function<ObjectNode, AzureFields> READER = AzureFields::of;

  private final JsonNode[] values = new JsonNode[Field.values().length];

  private AzureFields() {}

  static AzureFields of(ObjectNode record) {
    AzureFields fields = new AzureFields();
    for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Field field = resolve(entry.getKey());
      // The first spelling wins when a record carries two (e.g. "time" and "Time").
      if (field != null && fields.values[field.ordinal()] == null) {
        fields.values[field.ordinal()] = entry.getValue();
      }
    }
    return fields;
  }

  /** The field a key of this spelling is, whatever its case; null for a key the parser ignores. */
  static Field field(String key) {
    return BY_KEY.get(key);
  }

  private static Field resolve(String key) {
    Optional<Field> known = SPELLINGS.get(key);
    if (known != null) {
      return known.orElse(null);
    }
    Field field = BY_KEY.get(key);
    if (SPELLINGS.size() < SPELLINGS_LIMIT) {
      SPELLINGS.put(key, Optional.ofNullable(field));
    }
    return field;
  }

  /** The member, or null when absent. */
  JsonNode get(Field field) {
    return values[field.ordinal()];
  }

  boolean has(Field field) {
    return values[field.ordinal()] != null;
  }

  /** A scalar member as text (null when absent, JSON null, empty, or not a scalar). */
  String text(Field field) {
    return Json.scalarText(values[field.ordinal()]);
  }

  /**
   * The text of a member that the REST/portal schema wraps as {@code {"value": ...,
   * "localizedValue": ...}} and the other schemas give as a plain string: {@code operationName},
   * {@code category}, {@code status}.
   */
  String valueText(Field field) {
    return valueText(values[field.ordinal()]);
  }

  static String valueText(JsonNode node) {
    if (node != null && node.isObject()) {
      return Json.scalarText(node.get("value"));
    }
    return Json.scalarText(node);
  }
}
