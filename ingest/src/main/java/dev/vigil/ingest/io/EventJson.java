package dev.vigil.ingest.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.spi.NearNames;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * The plain nested JSON form of events and dead letters: the field paths of the Avro schema ({@code
 * actor.id}, {@code target.resource}), enums as their names, times as ISO-8601 UTC with
 * milliseconds, absent values as {@code null}. It is not Avro's union-tagged JSON encoding: a
 * person, a {@code jq} filter and OpenSearch all read the same shape.
 *
 * <p>A dead letter's {@code raw} is text when its bytes are valid UTF-8 and {@code raw_base64}
 * otherwise, so the exact bytes survive the round trip.
 */
public final class EventJson {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Always three fractional digits, as the schema's timestamp-millis holds. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private EventJson() {}

  public static String toJson(AuditEvent event) {
    StringWriter out = new StringWriter(512 + event.getRaw().length());
    write(event, out);
    return out.toString();
  }

  /** Writes one event as a single JSON object (no trailing newline). */
  public static void write(AuditEvent event, Writer out) {
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      writeRecord(event, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String toJson(DeadLetter deadLetter) {
    StringWriter out = new StringWriter();
    write(deadLetter, out);
    return out.toString();
  }

  public static void write(DeadLetter deadLetter, Writer out) {
    write(deadLetter, false, out);
  }

  /**
   * As {@link #write(DeadLetter, Writer)}, with {@code raw_base64} whatever the bytes: for the
   * start of a record that is not text as a whole, which may happen to be valid UTF-8.
   */
  public static void writeWithRawBase64(DeadLetter deadLetter, Writer out) {
    write(deadLetter, true, out);
  }

  private static void write(DeadLetter deadLetter, boolean base64, Writer out) {
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartObject();
      byte[] bytes = bytes(deadLetter.getRaw());
      String text = base64 ? null : utf8OrNull(bytes);
      if (text != null) {
        json.writeStringField("raw", text);
      } else {
        json.writeStringField("raw_base64", Base64.getEncoder().encodeToString(bytes));
      }
      json.writeStringField("reason", deadLetter.getReason().name());
      json.writeStringField("message", deadLetter.getMessage());
      json.writeStringField("origin", deadLetter.getOrigin());
      json.writeStringField(
          "source_guess",
          deadLetter.getSourceGuess() == null ? null : deadLetter.getSourceGuess().name());
      json.writeStringField("received_at", TIME.format(deadLetter.getReceivedAt()));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads an event back from its plain JSON form; missing optional fields take their defaults. */
  public static AuditEvent readEvent(String json) {
    try {
      return readEvent(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException("not an event in JSON form: malformed JSON", e);
    }
  }

  public static AuditEvent readEvent(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("an event in JSON form must be an object");
    }
    return (AuditEvent) readRecord(AuditEvent.getClassSchema(), node, "");
  }

  private static void writeRecord(IndexedRecord record, JsonGenerator json) throws IOException {
    json.writeStartObject();
    for (Schema.Field field : record.getSchema().getFields()) {
      json.writeFieldName(field.name());
      writeValue(record.get(field.pos()), json);
    }
    json.writeEndObject();
  }

  private static void writeValue(Object value, JsonGenerator json) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof IndexedRecord nested) {
      writeRecord(nested, json);
    } else if (value instanceof CharSequence text) {
      json.writeString(text.toString());
    } else if (value instanceof Enum<?> symbol) {
      json.writeString(symbol.name());
    } else if (value instanceof Instant instant) {
      json.writeString(TIME.format(instant));
    } else if (value instanceof Boolean bool) {
      json.writeBoolean(bool);
    } else if (value instanceof Integer number) {
      json.writeNumber(number);
    } else if (value instanceof Long number) {
      json.writeNumber(number);
    } else if (value instanceof Collection<?> items) {
      json.writeStartArray();
      for (Object item : items) {
        writeValue(item, json);
      }
      json.writeEndArray();
    } else {
      throw new IllegalStateException("no JSON form for " + value.getClass());
    }
  }

  private static Object readRecord(Schema schema, JsonNode node, String path) {
    IndexedRecord record = (IndexedRecord) SpecificData.get().newRecord(null, schema);
    for (Schema.Field field : schema.getFields()) {
      JsonNode value = node.get(field.name());
      String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
      if (value == null || value.isNull()) {
        if (!field.hasDefaultValue() && !allowsNull(field.schema())) {
          throw new IllegalArgumentException("missing required field " + fieldPath);
        }
        Object fallback =
            field.hasDefaultValue() ? SpecificData.get().getDefaultValue(field) : null;
        record.put(field.pos(), fallback);
      } else {
        record.put(field.pos(), readValue(field.schema(), value, fieldPath));
      }
    }
    return record;
  }

  private static Object readValue(Schema schema, JsonNode value, String path) {
    switch (schema.getType()) {
      case UNION:
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return readValue(branch, value, path);
          }
        }
        return null;
      case RECORD:
        return readRecord(schema, value, path);
      case ENUM:
        String symbol = value.asText();
        if (!schema.getEnumSymbols().contains(symbol)) {
          throw new IllegalArgumentException(
              path
                  + ": '"
                  + symbol
                  + "' is not one of "
                  + schema.getEnumSymbols()
                  + NearNames.suggestion(symbol, schema.getEnumSymbols()));
        }
        return SpecificData.get().createEnum(symbol, schema);
      case STRING:
        return value.asText();
      case BOOLEAN:
        return value.asBoolean();
      case INT:
        return value.asInt();
      case LONG:
        if ("timestamp-millis".equals(logicalType(schema))) {
          if (value.isNumber()) {
            return Instant.ofEpochMilli(value.asLong());
          }
          try {
            return Instant.parse(value.asText());
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                path + ": '" + value.asText() + "' is not a UTC time such as 2024-03-01T10:00:00Z");
          }
        }
        return value.asLong();
      case ARRAY:
        List<Object> items = new ArrayList<>();
        for (JsonNode item : value) {
          items.add(readValue(schema.getElementType(), item, path + "[]"));
        }
        return new GenericData.Array<>(schema, items);
      default:
        throw new IllegalStateException(path + ": unsupported schema type " + schema.getType());
    }
  }

  private static boolean allowsNull(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
  }

  private static String logicalType(Schema schema) {
    return schema.getLogicalType() == null ? null : schema.getLogicalType().getName();
  }

  /**
   * Whether a dead letter's raw record is written as {@code raw} (text), not {@code raw_base64}.
   */
  public static boolean isText(ByteBuffer raw) {
    return utf8OrNull(bytes(raw)) != null;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer raw = buffer.duplicate();
    byte[] bytes = new byte[raw.remaining()];
    raw.get(bytes);
    return bytes;
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return IoProblems.utf8(bytes);
    } catch (IoProblems.NotUtf8Text e) {
      return null;
    }
  }
}
