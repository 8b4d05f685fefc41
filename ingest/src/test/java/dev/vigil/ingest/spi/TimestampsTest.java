package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.RecordRejectedException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // RFC 3339, 0 to 9 fractional digits, trailing zeros trimmed (Vault, GCP)
        "2024-05-01T10:00:04.356625452Z | 2024-05-01T10:00:04.356Z",
        "2024-05-01T10:00:04.36089379Z | 2024-05-01T10:00:04.360Z",
        "2024-05-01T10:00:04.93608Z | 2024-05-01T10:00:04.936Z",
        "2024-05-01T10:00:04Z | 2024-05-01T10:00:04Z",
        "2024-05-01t10:00:04z | 2024-05-01T10:00:04Z",
        // seven digits (Azure)
        "2024-05-01T10:00:46.3554259Z | 2024-05-01T10:00:46.355Z",
        // offsets
        "2020-05-28T13:40:18-05:00 | 2020-05-28T18:40:18Z",
        "2020-08-05T14:59:27.259-07:00 | 2020-08-05T21:59:27.259Z",
        "2020-05-28T13:40:18+0130 | 2020-05-28T12:10:18Z",
        // space instead of T, no zone: UTC (Panther)
        "2019-01-01 00:00:00.000000000 | 2019-01-01T00:00:00Z",
        "2025-01-15 14:20:35.456 | 2025-01-15T14:20:35.456Z",
        // minutes only
        "2024-05-01T10:00Z | 2024-05-01T10:00:00Z",
        // US style (ADFS, resource logs)
        "12/12/2025 3:03:58 PM | 2025-12-12T15:03:58Z",
        "11/3/2020 9:06:42 AM +00:00 | 2020-11-03T09:06:42Z",
        "11/3/2020 9:06:42 AM +02:00 | 2020-11-03T07:06:42Z",
        "1/2/2021 13:05:00 | 2021-01-02T13:05:00Z",
        // basic ISO (S3 creationDate)
        "20131102T010628Z | 2013-11-02T01:06:28Z",
        // odd but valid shapes the general formatter reads
        "2024-05-01T10:00:04.Z | 2024-05-01T10:00:04Z",
        "2024-05-0110:00:04Z | 2024-05-01T10:00:04Z",
        "2024-02-29T23:59:59.999999999-00:30 | 2024-03-01T00:29:59.999Z",
        // surrounding blanks
        "'  2024-05-01T10:00:04Z  ' | 2024-05-01T10:00:04Z",
      })
  void readsTheFormatsTheSourcesWrite(String text, String expected) {
    assertThat(Timestamps.parse(text, "time")).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "...",
        "yesterday",
        "Oct 2, 2019 11:12:29 PM",
        "2024-05-01",
        "2024-13-01T10:00:00Z",
        "2024-05-01T25:00:00Z",
        "1714557604",
        "13/13/2020 9:06:42 AM",
        "2023-02-29T10:00:00Z",
        "2/29/2023 1:00:00 PM",
        "2024-05-01T24:00:00Z",
        "2024-05-01T10:00:04.1234567891Z",
        "2024-05-01T10:00:04+19:00",
        "2024-05-01T10:00:04+01:60",
        "2024-05-01T10:00:04+1",
        "2024-05-01T10:0a:04Z"
      })
  void refusesWhatIsNotATimestampWithoutGuessing(String text) {
    assertThatThrownBy(() -> Timestamps.parse(text, "eventTime"))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(DeadLetterReason.INVALID_TIME);
              assertThat(e.getMessage()).startsWith("eventTime is not a timestamp");
            });
  }

  /** A fuzz finding: year 0 came out as an event whose time no events index takes. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0000-01-01T00:00:00Z",
        "0000-12-31 23:59:59.999",
        "0001-01-01T00:30:00+01:00",
        "9999-12-31T23:30:00-01:00",
        "1/1/12025 1:00:00 AM",
        "12/31/9999 11:30:00 PM -01:00",
        "00001231T235959Z"
      })
  void refusesTimesOutsideTheFourDigitYearsInUtc(String text) {
    assertThatThrownBy(() -> Timestamps.parse(text, "eventTime"))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.INVALID_TIME));
  }

  @Test
  void keepsTheFirstAndLastMillisecondsOfTheFourDigitYears() {
    Instant first = Instant.parse("0001-01-01T00:00:00Z");
    assertThat(Timestamps.parse("0001-01-01T00:00:00Z", "time")).isEqualTo(first);
    assertThat(Timestamps.parse("0001-01-01T00:30:00+00:30", "time")).isEqualTo(first);
    assertThat(Timestamps.parse("9999-12-31T23:59:59.999999Z", "time"))
        .isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
  }

  @Test
  void aMissingOrBlankTimeIsMissingTime() {
    for (String blank : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> Timestamps.parse(blank, "timestamp"))
          .isInstanceOfSatisfying(
              RecordRejectedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(DeadLetterReason.MISSING_TIME);
                assertThat(e.getMessage()).contains("timestamp");
              });
    }
  }

  @Test
  void quotesOnlyTheStartOfALongBadValue() {
    String junk = "9" + "x".repeat(60);

    assertThatThrownBy(() -> Timestamps.parse(junk, "time"))
        .hasMessageNotContaining("x".repeat(41));
  }
}
