package dev.vigil.dashboards.index;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * How much event time one index of a family covers: a UTC day ({@code 2025.01.31}) or a UTC month
 * ({@code 2025.01}). The suffix alone says which, so an index keeps being read correctly after its
 * family's period is changed in the retention file.
 */
public enum IndexPeriod {
  DAY,
  MONTH;

  /** The first day of the period that contains {@code time} (UTC). */
  public LocalDate start(Instant time) {
    LocalDate day = LocalDate.ofInstant(time, ZoneOffset.UTC);
    return this == DAY ? day : day.withDayOfMonth(1);
  }

  /** The first day after the period that starts on {@code start}. */
  public LocalDate end(LocalDate start) {
    return this == DAY ? start.plusDays(1) : start.plusMonths(1);
  }

  /** The index name suffix of the period that contains {@code time}. */
  public String suffix(Instant time) {
    LocalDate start = start(time);
    StringBuilder out = new StringBuilder(10);
    appendPadded(out, start.getYear(), 4).append('.');
    appendPadded(out, start.getMonthValue(), 2);
    if (this == DAY) {
      out.append('.');
      appendPadded(out, start.getDayOfMonth(), 2);
    }
    return out.toString();
  }

  /**
   * The period a suffix names, or null when it is not {@code yyyy.MM} or {@code yyyy.MM.dd} with a
   * valid date.
   */
  public static Dated parseSuffix(String suffix) {
    int length = suffix.length();
    if ((length != 7 && length != 10)
        || suffix.charAt(4) != '.'
        || (length == 10 && suffix.charAt(7) != '.')) {
      return null;
    }
    try {
      int year = digits(suffix, 0, 4);
      int month = digits(suffix, 5, 7);
      if (length == 7) {
        return new Dated(MONTH, LocalDate.of(year, month, 1));
      }
      return new Dated(DAY, LocalDate.of(year, month, digits(suffix, 8, 10)));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }

  /** A period and the day it starts on. */
  public record Dated(IndexPeriod period, LocalDate start) {
    public LocalDate end() {
      return period.end(start);
    }
  }

  /** {@code day} or {@code month}, as the retention file writes it. */
  public static IndexPeriod fromConfig(String text) {
    return switch (text) {
      case "day" -> DAY;
      case "month" -> MONTH;
      default ->
          throw new IllegalArgumentException(
              "index_period must be 'day' or 'month', not '" + text + "'");
    };
  }

  private static StringBuilder appendPadded(StringBuilder out, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits);
  }

  private static int digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        throw new NumberFormatException();
      }
    }
    return Integer.parseInt(text, from, to, 10);
  }
}
