package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.dashboards.index.RetentionManager.Decision;
import dev.vigil.dashboards.index.RetentionManager.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetentionTest {

  private static final RetentionManager MANAGER =
      new RetentionManager(
          null, IndexContract.builtIn(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @Test
  void parsesDaysWeeksYearsAndForever() {
    assertThat(Retention.parse("90d").deletableFrom(LocalDate.of(2025, 2, 1)))
        .isEqualTo(LocalDate.of(2025, 5, 2));
    assertThat(Retention.parse("2w").deletableFrom(LocalDate.of(2025, 2, 1)))
        .isEqualTo(LocalDate.of(2025, 2, 15));
    assertThat(Retention.parse("1y").deletableFrom(LocalDate.of(2024, 3, 1)))
        .isEqualTo(LocalDate.of(2025, 3, 1));
    assertThat(Retention.parse("forever").isForever()).isTrue();
    assertThat(Retention.parse("forever").deletableFrom(LocalDate.of(2025, 1, 1))).isNull();
  }

  @ParameterizedTest
  @CsvSource({"'1 y'", "-1d", "1m", "y", "d1", "forever!", "''"})
  void rejectsOtherForms(String text) {
    assertThatThrownBy(() -> Retention.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention must be");
  }

  @Test
  void ordersRetentionsWithForeverLongest() {
    assertThat(Retention.parse("1y").longerThan(Retention.parse("90d"))).isTrue();
    assertThat(Retention.parse("367d").longerThan(Retention.parse("1y"))).isTrue();
    assertThat(Retention.parse("365d").longerThan(Retention.parse("1y"))).isFalse();
    assertThat(Retention.FOREVER.longerThan(Retention.parse("100y"))).isTrue();
    assertThat(Retention.parse("100y").longerThan(Retention.FOREVER)).isFalse();
    assertThat(Retention.FOREVER.longerThan(Retention.FOREVER)).isFalse();
  }

  @Test
  void aMonthlyIndexExpiresWhenItsLastDayIsOlderThanTheRetention() {
    // vigil-events-secret-2025.01 holds events up to 2025-01-31T23:59:59.999Z; 1y.
    assertThat(judge("vigil-events-secret-2025.01", "2026-01-31"))
        .isEqualTo(
            new Decision(
                "vigil-events-secret-2025.01",
                "events-secret",
                Verdict.KEEP,
                LocalDate.of(2026, 2, 1),
                false));
    assertThat(judge("vigil-events-secret-2025.01", "2026-02-01").verdict())
        .isEqualTo(Verdict.EXPIRED);
  }

  @Test
  void aDailyIndexExpiresDayByDay() {
    // 90 days after 2025-02-01 (the end of 2025-01-31) is 2025-05-02.
    assertThat(judge("vigil-events-auth-2025.01.31", "2025-05-01").verdict())
        .isEqualTo(Verdict.KEEP);
    assertThat(judge("vigil-events-auth-2025.01.31", "2025-05-02").verdict())
        .isEqualTo(Verdict.EXPIRED);
  }

  @Test
  void theSuffixDecidesThePeriodEvenWhenTheFamilyChangedItsPeriod() {
    // The auth family is daily; a monthly index (written before its period changed) expires by
    // its whole month: 90 days after 2025-02-01, where the day 2025-01-15 expires on 04-16.
    assertThat(judge("vigil-events-auth-2025.01.15", "2025-04-16").verdict())
        .isEqualTo(Verdict.EXPIRED);
    assertThat(judge("vigil-events-auth-2025.01", "2025-05-01").verdict()).isEqualTo(Verdict.KEEP);
    assertThat(judge("vigil-events-auth-2025.01", "2025-05-02").verdict())
        .isEqualTo(Verdict.EXPIRED);
  }

  @Test
  void sealIsKeptForeverAndUnknownNamesAreNeverTouched() {
    assertThat(judge("vigil-events-seal-1999.01", "2100-01-01").verdict())
        .isEqualTo(Verdict.KEEP_FOREVER);
    assertThat(judge("vigil-events-retired_class-1999.01", "2100-01-01").verdict())
        .isEqualTo(Verdict.UNMANAGED);
    assertThat(judge("vigil-custom", "2100-01-01").verdict()).isEqualTo(Verdict.UNMANAGED);
  }

  @Test
  void alertsKeepTwoYearsAndDeadLettersOne() {
    assertThat(judge("vigil-alerts-2023.05", "2025-05-31").verdict()).isEqualTo(Verdict.KEEP);
    assertThat(judge("vigil-alerts-2023.05", "2025-06-01").verdict()).isEqualTo(Verdict.EXPIRED);
    assertThat(judge("vigil-deadletters-2024.05", "2025-06-01").verdict())
        .isEqualTo(Verdict.EXPIRED);
  }

  @Test
  void periodsFormatAndParseAsUtc() {
    Instant lateOnNewYearsEve = Instant.parse("2024-12-31T23:30:00Z");
    assertThat(IndexPeriod.DAY.suffix(lateOnNewYearsEve)).isEqualTo("2024.12.31");
    assertThat(IndexPeriod.MONTH.suffix(lateOnNewYearsEve)).isEqualTo("2024.12");
    assertThat(IndexPeriod.parseSuffix("2024.02.29"))
        .isEqualTo(new IndexPeriod.Dated(IndexPeriod.DAY, LocalDate.of(2024, 2, 29)));
    assertThat(IndexPeriod.parseSuffix("2025.02.29")).isNull();
    assertThat(IndexPeriod.parseSuffix("2025.2.1")).isNull();
    assertThat(IndexPeriod.parseSuffix("2025-02")).isNull();
    assertThat(IndexPeriod.parseSuffix("+025.02")).isNull();
  }

  private static Decision judge(String index, String today) {
    return MANAGER.judge(index, LocalDate.parse(today));
  }
}
