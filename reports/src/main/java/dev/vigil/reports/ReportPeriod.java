package dev.vigil.reports;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time a report covers: {@code [from, to)} in UTC, whole days, with the name it is shown under
 * ({@code 2026-11}, {@code 2026-Q4}, {@code 2026}, or {@code 2026-11-01..2026-11-15} for days).
 *
 * @param label how the period is named on the report and in the manifest
 * @param from the first instant covered
 * @param to the first instant not covered
 */
public record ReportPeriod(String label, Instant from, Instant to) {

  private static final Pattern QUARTER = Pattern.compile("(\\d{4})-[Qq]([1-4])");
  private static final Pattern YEAR = Pattern.compile("\\d{4}");

  public ReportPeriod {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("the period must end after it starts");
    }
  }

  /**
   * A named period: a month ({@code 2026-11}), a quarter ({@code 2026-Q4}) or a year ({@code
   * 2026}).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static ReportPeriod parse(String text) {
    String trimmed = text.strip();
    try {
      Matcher quarter = QUARTER.matcher(trimmed);
      if (quarter.matches()) {
        YearMonth first =
            YearMonth.of(
                Integer.parseInt(quarter.group(1)),
                (Integer.parseInt(quarter.group(2)) - 1) * 3 + 1);
        return of(
            quarter.group(1) + "-Q" + quarter.group(2),
            first.atDay(1),
            first.plusMonths(3).atDay(1));
      }
      if (YEAR.matcher(trimmed).matches()) {
        Year year = Year.parse(trimmed);
        return of(trimmed, year.atDay(1), year.plusYears(1).atDay(1));
      }
      YearMonth month = YearMonth.parse(trimmed);
      return of(month.toString(), month.atDay(1), month.plusMonths(1).atDay(1));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "period '"
              + trimmed
              + "' is not a month (2026-11), a quarter (2026-Q4) or a year (2026)");
    }
  }

  /**
   * The days from {@code from} up to, not including, {@code toExclusive}.
   *
   * @throws IllegalArgumentException when a date is not yyyy-MM-dd or the range is empty
   */
  public static ReportPeriod days(String from, String toExclusive) {
    LocalDate first = date(from, "--from");
    LocalDate end = date(toExclusive, "--to");
    if (!first.isBefore(end)) {
      throw new IllegalArgumentException(
          "--to "
              + end
              + " must be after --from "
              + first
              + " (--to is the first day not covered)");
    }
    return of(first + ".." + end.minusDays(1), first, end);
  }

  /** Whether {@code time} falls in the period. */
  public boolean contains(Instant time) {
    return !time.isBefore(from) && time.isBefore(to);
  }

  /** The first day of the period (UTC). */
  public LocalDate firstDay() {
    return LocalDate.ofInstant(from, ZoneOffset.UTC);
  }

  /** The first day after the period (UTC). */
  public LocalDate endDay() {
    return LocalDate.ofInstant(to, ZoneOffset.UTC);
  }

  private static ReportPeriod of(String label, LocalDate first, LocalDate end) {
    return new ReportPeriod(
        label,
        first.atStartOfDay(ZoneOffset.UTC).toInstant(),
        end.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static LocalDate date(String text, String option) {
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option + " '" + text.strip() + "' is not a date (yyyy-MM-dd)");
    }
  }
}
