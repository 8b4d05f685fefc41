package dev.vigil.ingest.spi;

import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.RecordRejectedException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * Reads the event times the four sources actually write, truncated to milliseconds, in UTC.
 *
 * <p>Seen in the wild: RFC 3339 with 0 to 9 fractional digits and trailing zeros trimmed, with
 * {@code Z} or an offset; the same with a space instead of {@code T} and no zone (Panther exports,
 * taken as UTC); US style {@code 12/12/2025 3:03:58 PM} with or without an offset (ADFS, Event Hubs
 * resource logs, taken as UTC when no offset is given); and basic ISO {@code 20131102T010628Z}.
 * Anything else is refused with {@code INVALID_TIME}, never guessed, and so is a time outside RFC
 * 3339's years 0001 to 9999 ({@code 0000-01-01T00:00:00Z}, {@code 9999-12-31T23:30:00-01:00},
 * {@code 1/1/12025 1:00:00 AM}): the events index and every reader of an event's JSON form take
 * four-digit years only, and the GCP parser's protobuf times already keep to that range.
 */
public final class Timestamps {

  private static final DateTimeFormatter ISO_LENIENT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          // SMART would turn February 29 of a common year into the 28th: a guess.
          .withResolverStyle(ResolverStyle.STRICT);

  private static final List<DateTimeFormatter> US_STYLE =
      List.of(
          DateTimeFormatter.ofPattern("M/d/uuuu h:mm:ss a xxx", Locale.US)
              .withResolverStyle(ResolverStyle.STRICT),
          DateTimeFormatter.ofPattern("M/d/uuuu h:mm:ss a", Locale.US)
              .withResolverStyle(ResolverStyle.STRICT),
          DateTimeFormatter.ofPattern("M/d/uuuu H:mm:ss", Locale.US)
              .withResolverStyle(ResolverStyle.STRICT));

  private static final DateTimeFormatter BASIC_ISO =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX", Locale.ROOT);

  /** The first and last instants of RFC 3339's four-digit years. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private Timestamps() {}

  /** The instant of a timestamp string; throws {@code INVALID_TIME} when it is not one. */
  public static Instant parse(String text, String fieldName) {
    if (text == null || text.isBlank()) {
      throw new RecordRejectedException(
          DeadLetterReason.MISSING_TIME, "the record has no event time (" + fieldName + ")");
    }
    String value = text.trim();
    Instant parsed = tryParse(value);
    if (parsed == null) {
      throw new RecordRejectedException(
          DeadLetterReason.INVALID_TIME,
          fieldName + " is not a timestamp: \"" + abbreviate(value) + "\"");
    }
    Instant millis = truncateToMillis(parsed);
    if (millis.isBefore(EARLIEST) || millis.isAfter(LATEST)) {
      throw new RecordRejectedException(
          DeadLetterReason.INVALID_TIME,
          fieldName + " is outside the years 0001 to 9999 (in UTC): \"" + abbreviate(value) + "\"");
    }
    return millis;
  }

  private static Instant tryParse(String value) {
    if (value.isEmpty() || value.length() > 64) {
      return null;
    }
    char first = value.charAt(0);
    if (!Character.isDigit(first)) {
      return null;
    }
    if (value.indexOf('/') > 0) {
      for (DateTimeFormatter format : US_STYLE) {
        Instant instant = parseWith(value, format);
        if (instant != null) {
          return instant;
        }
      }
      return null;
    }
    if (value.length() >= 8 && value.charAt(4) != '-') {
      return parseWith(value, BASIC_ISO);
    }
    Instant common = rfc3339(value);
    return common != null ? common : parseWith(value, ISO_LENIENT);
  }

  private static final int[] NANO_SCALE = {
    1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  /**
   * The shape nearly every record has, {@code 2024-01-01T10:00:00[.fraction](Z|+hh:mm|nothing)} (or
   * a space for the {@code T}), read without a formatter because formatter parsing costs more than
   * the rest of a record's normalization. Null for anything else, including values out of range,
   * which {@link #ISO_LENIENT} then judges, so both paths always agree.
   */
  private static Instant rfc3339(String v) {
    int length = v.length();
    if (length < 19
        || v.charAt(4) != '-'
        || v.charAt(7) != '-'
        || v.charAt(10) != 'T' && v.charAt(10) != ' '
        || v.charAt(13) != ':'
        || v.charAt(16) != ':') {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 2);
    int day = digits(v, 8, 2);
    int hour = digits(v, 11, 2);
    int minute = digits(v, 14, 2);
    int second = digits(v, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (i < length && v.charAt(i) == '.') {
      int start = ++i;
      while (i < length && v.charAt(i) >= '0' && v.charAt(i) <= '9' && i - start < 10) {
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return null;
      }
      nanos = digits(v, start, count) * NANO_SCALE[count];
    }
    int offsetSeconds;
    if (i == length) {
      offsetSeconds = 0;
    } else if (i == length - 1 && (v.charAt(i) == 'Z' || v.charAt(i) == 'z')) {
      offsetSeconds = 0;
    } else if (length - i == 6
        && (v.charAt(i) == '+' || v.charAt(i) == '-')
        && v.charAt(i + 3) == ':') {
      int offsetHours = digits(v, i + 1, 2);
      int offsetMinutes = digits(v, i + 4, 2);
      if ((offsetHours | offsetMinutes) < 0 || offsetHours > 18 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = (v.charAt(i) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return null;
    }
    if (hour > 23 || minute > 59 || second > 59 || Math.abs(offsetSeconds) > 18 * 3600) {
      return null;
    }
    // The instant from the epoch day, rather than through LocalDateTime and a ZoneOffset (looked up
    // in a concurrent map per record); LocalDate still judges the date.
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(
        epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds, nanos);
  }

  /** The value of {@code count} ASCII digits at {@code start}, or -1 when one is not a digit. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static Instant parseWith(String value, DateTimeFormatter format) {
    try {
      var parsed = format.parse(value);
      if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
        return OffsetDateTime.from(parsed).toInstant();
      }
      return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static Instant truncateToMillis(Instant instant) {
    return Instant.ofEpochMilli(instant.toEpochMilli());
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }
}
