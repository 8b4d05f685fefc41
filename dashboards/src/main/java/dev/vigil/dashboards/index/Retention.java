package dev.vigil.dashboards.index;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.Period;

/**
 * How long an index family keeps its data, counted from the end of each index's period: {@code
 * 90d}, {@code 1y}, {@code 2y} or {@code forever}. Years are calendar years, so {@code 1y} keeps a
 * leap day's worth more in leap years rather than cutting a day short.
 *
 * @param period the retention, or null for {@code forever}
 */
public record Retention(Period period) implements Serializable {

  private static final LocalDate REFERENCE = LocalDate.of(2000, 1, 1);

  public static final Retention FOREVER = new Retention(null);

  /** Reads {@code <n>d}, {@code <n>w}, {@code <n>y} (n ≥ 1) or {@code forever}. */
  public static Retention parse(String text) {
    if ("forever".equals(text)) {
      return FOREVER;
    }
    String error = "retention must be <n>d, <n>w, <n>y (n >= 1) or 'forever', not '" + text + "'";
    if (text == null || text.length() < 2) {
      throw new IllegalArgumentException(error);
    }
    int amount;
    try {
      amount = Integer.parseInt(text.substring(0, text.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(error);
    }
    if (amount < 1 || !Character.isDigit(text.charAt(0))) {
      throw new IllegalArgumentException(error);
    }
    return switch (text.charAt(text.length() - 1)) {
      case 'd' -> new Retention(Period.ofDays(amount));
      case 'w' -> new Retention(Period.ofWeeks(amount));
      case 'y' -> new Retention(Period.ofYears(amount));
      default -> throw new IllegalArgumentException(error);
    };
  }

  /**
   * The first day on which an index whose period ends (exclusive) on {@code periodEnd} may be
   * deleted: every event in it is then at least this retention old. Null when kept forever.
   */
  public LocalDate deletableFrom(LocalDate periodEnd) {
    return period == null ? null : periodEnd.plus(period);
  }

  /** True when this keeps data strictly longer than {@code other}. */
  public boolean longerThan(Retention other) {
    if (period == null || other.period == null) {
      return period == null && other.period != null;
    }
    return REFERENCE.plus(period).isAfter(REFERENCE.plus(other.period));
  }

  @Override
  public String toString() {
    if (period == null) {
      return "forever";
    }
    if (period.getYears() > 0) {
      return period.getYears() + "y";
    }
    return period.getDays() + "d";
  }
}
