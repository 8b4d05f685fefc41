package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationSyntaxTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "30s, PT30S",
    "10m, PT10M",
    "10min, PT10M",
    "10MIN, PT10M",
    "2h, PT2H",
    "1d, PT24H",
    "1w, PT168H",
    "' 45s ', PT45S",
    "0s, PT0S"
  })
  void readsEveryFormUsersWrite(String text, String expected) {
    assertThat(DurationSyntax.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void aBareNumberAsksForAUnitInOneLine() {
    assertThatThrownBy(() -> DurationSyntax.parse("5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'5' has no unit; add one, e.g. 5s or 5m (a duration is a whole number and a unit:"
                + " 500ms, 30s, 10m (or 10min), 2h, 1d, 1w)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "30 seconds", "1y", "-5s", "1.5h", "s", "m5", "9999999999999s"})
  void anythingElseIsNotADurationAndShowsTheForms(String text) {
    assertThatThrownBy(() -> DurationSyntax.parse(text))
        .hasMessage(
            "'"
                + text
                + "' is not a duration; write a whole number and a unit: "
                + DurationSyntax.EXAMPLES);
  }

  @Test
  void anEmptyValueIsSaidAsSuch() {
    assertThatThrownBy(() -> DurationSyntax.parse(" "))
        .hasMessageStartingWith("an empty value is not a duration");
    assertThatThrownBy(() -> DurationSyntax.parse(null))
        .hasMessageStartingWith("an empty value is not a duration");
  }
}
