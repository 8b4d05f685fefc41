package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ElapsedTest {

  @Test
  void durationsReadAsHoursMinutesAndSeconds() {
    assertThat(Elapsed.readable(Duration.ofMillis(999))).isEqualTo("999ms");
    assertThat(Elapsed.readable(Duration.ofMillis(42_700))).isEqualTo("42s");
    assertThat(Elapsed.readable(Duration.ofSeconds(303))).isEqualTo("5m 3s");
    assertThat(Elapsed.readable(Duration.ofSeconds(3_610))).isEqualTo("1h 0m 10s");
  }
}
