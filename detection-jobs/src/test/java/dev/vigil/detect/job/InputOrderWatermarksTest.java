package dev.vigil.detect.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class InputOrderWatermarksTest {

  private final List<Long> emitted = new ArrayList<>();
  private final WatermarkOutput output =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
          emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
          throw new AssertionError("an ordered input is never idle");
        }

        @Override
        public void markActive() {}
      };

  @Test
  void emitsWhenARecordMovesTheBoundInWholeSecondsAndNeverOnTheTimer() {
    InputOrderWatermarks<String> generator = new InputOrderWatermarks<>(Duration.ofSeconds(30));

    generator.onEvent("a", 100_500, output);
    generator.onPeriodicEmit(output);
    generator.onEvent("b", 101_000, output); // same second of watermark: nothing new
    generator.onEvent("c", 90_000, output); // older: never moves it back
    generator.onEvent("d", 102_000, output);
    generator.onPeriodicEmit(output);

    // 100.5 s - 30 s - 1 ms, down to the second (-1 ms: a record exactly at the bound is on time).
    assertThat(emitted).containsExactly(70_000L, 71_000L);
  }

  @Test
  void aBoundCoveringTheInputKeepsTheWatermarkBeforeItsEarliestRecord() {
    InputOrderWatermarks<String> generator = new InputOrderWatermarks<>(Duration.ofDays(2));
    long earliest = Duration.ofDays(10).toMillis();

    generator.onEvent("first", earliest, output);
    generator.onEvent("last", earliest + Duration.ofDays(2).toMillis(), output);

    assertThat(emitted).allSatisfy(watermark -> assertThat(watermark).isLessThan(earliest));
  }
}
