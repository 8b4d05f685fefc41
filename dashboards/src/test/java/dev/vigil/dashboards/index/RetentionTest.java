package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.dashboards.index.RetentionManager.Decision;
import dev.vigil.dashboards.index.RetentionManager.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetentionTest {

  private static final RetentionManager MANAGER =
      new RetentionManager(
          null, IndexContract.builtIn(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), false);

  private static final RetentionManager DELETING_RECENT =
      new RetentionManager(
          null, IndexContract.builtIn(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), true);

  @Test
  void parsesDaysWeeksYearsAndForever() {
    assertThat(Retention.parse("90d").deletableFrom(LocalDate.of(2025, 2, 1)))
        .isEqualTo(LocalDate.of(2025, 5, 2));
    assertThat(Retention.parse("2w").deletableFrom(LocalDate.of(2025, 2, 1)))
        .isEqualTo(LocalDate.of(2025, 2, 15));
    assertThat(Retention.parse("1y").deletableFrom(LocalDate.of(2024, 3, 1)))
        .isEqualTo(LocalDate.of(2025, 3, 1));
    assertThat(Retention.parse("forever")).isEqualTo(Retention.FOREVER);
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
                null,
                null,
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

  @Test
  void anExpiredIndexCreatedInTheLast30DaysIsKeptUntil30DaysAfterItsCreation() {
    // A backfill on 2026-11-20 of logins of 2018-11-02 (expired by event time since 2019-02-01).
    LocalDate backfilled = LocalDate.parse("2026-11-20");
    Decision today = MANAGER.judge("vigil-events-auth-2018.11.02", backfilled, backfilled);
    assertThat(today)
        .isEqualTo(
            new Decision(
                "vigil-events-auth-2018.11.02",
                "events-auth",
                Verdict.KEEP_RECENT,
                LocalDate.parse("2019-02-01"),
                backfilled,
                null,
                false));
    assertThat(today.recentUntil()).isEqualTo(LocalDate.parse("2026-12-20"));
    assertThat(
            MANAGER
                .judge("vigil-events-auth-2018.11.02", backfilled, LocalDate.parse("2026-12-19"))
                .verdict())
        .isEqualTo(Verdict.KEEP_RECENT);
    Decision after =
        MANAGER.judge("vigil-events-auth-2018.11.02", backfilled, LocalDate.parse("2026-12-20"));
    assertThat(after.verdict()).isEqualTo(Verdict.EXPIRED);
    assertThat(after.writtenOn()).isNull();
    assertThat(after.recentUntil()).isNull();
  }

  @Test
  void deletingRecentIndicesExpiresThemButKeepsTheDayTheyWereWritten() {
    LocalDate backfilled = LocalDate.parse("2026-11-20");
    Decision decision =
        DELETING_RECENT.judge("vigil-alerts-2018.11", backfilled, backfilled.plusDays(3));
    assertThat(decision.verdict()).isEqualTo(Verdict.EXPIRED);
    assertThat(decision.writtenOn()).isEqualTo(backfilled);
  }

  @Test
  void theCreationDayMattersOnlyForExpiredIndices() {
    LocalDate today = LocalDate.parse("2026-11-20");
    assertThat(MANAGER.judge("vigil-events-auth-2026.11.20", today, today).writtenOn()).isNull();
    assertThat(MANAGER.judge("vigil-events-seal-2001.01", today, today).verdict())
        .isEqualTo(Verdict.KEEP_FOREVER);
    assertThat(MANAGER.judge("vigil-events-auth-2018.11.02", null, today).verdict())
        .isEqualTo(Verdict.EXPIRED);
  }

  @Test
  void eventIdsAreLookedUpInChunksOfAtMostTheLimit() {
    List<Integer> ids = IntStream.range(0, 25).boxed().toList();
    assertThat(RetentionManager.chunks(ids, 10))
        .containsExactly(ids.subList(0, 10), ids.subList(10, 20), ids.subList(20, 25));
    assertThat(RetentionManager.chunks(List.of(), 10)).isEmpty();
    assertThat(RetentionManager.IDS_PER_QUERY).isLessThan(65_536);
  }

  private static Decision judge(String index, String today) {
    // Created long before the day judged: never "recently written".
    return MANAGER.judge(index, LocalDate.EPOCH, LocalDate.parse(today));
  }
}
