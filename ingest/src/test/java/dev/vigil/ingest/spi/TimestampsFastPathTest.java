package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.RecordRejectedException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The formatter-free path for common RFC 3339 times agrees with the formatters it bypasses. */
class TimestampsFastPathTest {

  @ParameterizedTest
  @CsvSource({
    "2019-10-24T00:13:46.3554259Z, 2019-10-24T00:13:46.355Z",
    "2021-05-25T22:04:07.22Z, 2021-05-25T22:04:07.220Z",
    "2024-12-17T10:30:00Z, 2024-12-17T10:30:00Z",
    "2024-12-17t10:30:00z, 2024-12-17T10:30:00Z",
    "2020-12-01T20:29:04.356625452Z, 2020-12-01T20:29:04.356Z",
    "2025-12-22T08:46:29.678707300Z, 2025-12-22T08:46:29.678Z",
    "2022-03-22T10:48:48.8558814+00:00, 2022-03-22T10:48:48.855Z",
    "2020-05-28T13:40:18-05:00, 2020-05-28T18:40:18Z",
    "2020-08-05T14:59:27.259-07:00, 2020-08-05T21:59:27.259Z",
    "2025-01-15 14:20:35.456, 2025-01-15T14:20:35.456Z",
    "2024-12-10 14:33:09.049661100, 2024-12-10T14:33:09.049Z",
    "2024-01-01T00:00:00.9999999Z, 2024-01-01T00:00:00.999Z",
  })
  void readsTheCommonShape(String text, String expected) {
    assertThat(Timestamps.parse(text, "time")).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({
    // Shapes the fast path leaves to the formatters.
    "2024-01-01T10:00, 2024-01-01T10:00:00Z",
    "2024-01-01T10:00:00+0100, 2024-01-01T09:00:00Z",
  })
  void leavesOtherShapesToTheFormatters(String text, String expected) {
    assertThat(Timestamps.parse(text, "time")).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-13-01T00:00:00Z",
        "2024-01-01T25:00:00Z",
        "2024-01-01T00:00:00.1234567890Z",
        "2024-01-01T00:00:00+19:00",
        "2024-01-01T00:00:00+18:30",
        "2023-02-29T00:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:60Z",
        "2024-01-01T00:00:00Zjunk",
        "2024-0a-01T00:00:00Z"
      })
  void refusesWhatIsNotATime(String text) {
    assertThatThrownBy(() -> Timestamps.parse(text, "time"))
        .isInstanceOf(RecordRejectedException.class)
        .extracting(e -> ((RecordRejectedException) e).reason())
        .isEqualTo(DeadLetterReason.INVALID_TIME);
  }
}
