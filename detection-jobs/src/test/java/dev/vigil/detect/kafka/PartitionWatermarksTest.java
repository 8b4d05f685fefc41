package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class PartitionWatermarksTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final List<Long> watermarks = new ArrayList<>();
  private final List<String> idleness = new ArrayList<>();
  private final WatermarkOutput output =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
          watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
          idleness.add("idle");
        }

        @Override
        public void markActive() {
          idleness.add("active");
        }
      };

  private final PartitionWatermarks<String> generator =
      new PartitionWatermarks<>(
          origin -> origin, Duration.ofSeconds(30), Duration.ofMinutes(1), now::get);

  private void record(String origin, long eventTime) {
    generator.onEvent(origin, eventTime, output);
  }

  /** Starts the generator and lets its first idleness (the wait for unseen partitions) pass. */
  private void pastStartup() {
    generator.onPeriodicEmit(output);
    now.addAndGet(60_000);
  }

  @Test
  void aKafkaReaderWaitsOneIdlenessForPartitionsItHasNotHeardFromYet() {
    generator.onPeriodicEmit(output);
    record("kafka:raw/0@1", 500_000); // the first fetch: one partition's backlog
    now.addAndGet(59_000);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).isEmpty();
    record("kafka:raw/1@1", 100_000); // another partition's, older
    now.addAndGet(1_000);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(100_000L - 30_000 - 1);
    assertThat(idleness).isEmpty();
  }

  @Test
  void fileRecordsGetTheirWatermarkFromTheStart() {
    generator.onPeriodicEmit(output);
    record("/data/a.json:3", 100_000);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(100_000L - 30_000 - 1);
  }

  @Test
  void theSlowestActivePartitionHoldsTheWatermark() {
    pastStartup();
    record("kafka:raw/0@1", 100_000);
    record("kafka:raw/1@1", 500_000);
    record("kafka:raw/0@2", 110_000);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(110_000L - 30_000 - 1);
  }

  @Test
  void anIdlePartitionStopsHoldingItBackAndTheWatermarkNeverGoesBack() {
    pastStartup();
    record("kafka:raw/0@1", 100_000);
    record("kafka:raw/1@1", 500_000);
    generator.onPeriodicEmit(output);
    now.addAndGet(30_000);
    record("kafka:raw/1@2", 600_000);
    now.addAndGet(40_000); // partition 0 silent for 70 s, partition 1 for 40 s
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L, 569_999L);

    record("kafka:raw/0@2", 120_000); // partition 0 wakes up, far behind
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L, 569_999L);
  }

  @Test
  void partitionsFallingSilentTogetherReleaseTheirNewestRecordBeforeGoingIdle() {
    pastStartup();
    record("kafka:raw/0@1", 100_000);
    record("kafka:raw/1@1", 500_000);
    generator.onPeriodicEmit(output);
    now.addAndGet(61_000); // the backlog is read: both partitions silent at once
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L, 500_000L);
    assertThat(idleness).containsExactly("idle");
  }

  @Test
  void whenEveryPartitionIsIdleTheOutputIsMarkedIdleUntilARecordArrives() {
    pastStartup();
    record("kafka:raw/0@1", 100_000);
    now.addAndGet(61_000);
    generator.onPeriodicEmit(output);
    generator.onPeriodicEmit(output);
    assertThat(idleness).containsExactly("idle");
    record("kafka:raw/0@2", 200_000);
    generator.onPeriodicEmit(output);
    assertThat(idleness).containsExactly("idle", "active");
    assertThat(watermarks).containsExactly(100_000L, 169_999L);
  }

  @Test
  void aQuietStreamsLastRecordIsReleasedOneIdlenessAfterItArrivedNotAtTheNextRecord() {
    pastStartup();
    record("kafka:raw/0@1", 100_000);
    generator.onPeriodicEmit(output);
    now.addAndGet(10_000);
    record("kafka:raw/0@2", 110_000); // the root token use, 10 s later: within the 30 s bound
    generator.onPeriodicEmit(output);
    // held back by the bound while traffic flows
    assertThat(watermarks).containsExactly(69_999L, 79_999L);
    now.addAndGet(59_999);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L, 79_999L);
    now.addAndGet(1);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L, 79_999L, 110_000L);
    assertThat(idleness).containsExactly("idle");

    record("kafka:raw/0@3", 105_000); // after the silence, behind the newest record: late
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L, 79_999L, 110_000L);
    assertThat(idleness).containsExactly("idle", "active");
  }

  @Test
  void aBoundLongerThanTheIdlenessIsCountedInWallClockTimeWhileAllIsSilent() {
    PartitionWatermarks<String> patient =
        new PartitionWatermarks<>(
            origin -> origin, Duration.ofMinutes(5), Duration.ofMinutes(1), now::get);
    patient.onPeriodicEmit(output);
    now.addAndGet(60_000);
    patient.onEvent("kafka:raw/0@1", 1_000_000, output);
    patient.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(699_999L);

    now.addAndGet(60_000); // idle: a minute of the five-minute bound has passed
    patient.onPeriodicEmit(output);
    now.addAndGet(500); // within the same second: nothing new
    patient.onPeriodicEmit(output);
    now.addAndGet(179_500); // four minutes
    patient.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(699_999L, 759_999L, 939_999L);
    now.addAndGet(61_000); // past the bound: the newest record itself, and no further
    patient.onPeriodicEmit(output);
    now.addAndGet(60_000);
    patient.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(699_999L, 759_999L, 939_999L, 1_000_000L);
    assertThat(idleness).containsExactly("idle", "idle", "idle");
  }

  @Test
  void nothingIsEmittedBeforeTheFirstRecord() {
    generator.onPeriodicEmit(output);
    assertThat(watermarks).isEmpty();
    assertThat(idleness).isEmpty();
  }

  @Test
  void aSubtaskWithoutPartitionsIsMarkedIdleAfterTheIdlenessAndActiveAtItsFirstRecord() {
    generator.onPeriodicEmit(output);
    now.addAndGet(59_000);
    generator.onPeriodicEmit(output);
    assertThat(idleness).isEmpty();
    now.addAndGet(1_000);
    generator.onPeriodicEmit(output);
    generator.onPeriodicEmit(output);
    assertThat(idleness).containsExactly("idle");
    assertThat(watermarks).isEmpty();

    record("kafka:raw/0@1", 100_000);
    generator.onPeriodicEmit(output);
    assertThat(idleness).containsExactly("idle", "active");
    assertThat(watermarks).containsExactly(69_999L);
  }

  @Test
  void originsOtherThanKafkaShareOneGroupAndEnvelopeMembersTheirRecordsPartition() {
    assertThat(PartitionWatermarks.partitionOf("kafka:raw/3@17#2")).isEqualTo("kafka:raw/3");
    assertThat(PartitionWatermarks.partitionOf("/data/a.json:3"))
        .isEqualTo(PartitionWatermarks.partitionOf("/data/b.json:9"));
    record("/data/a.json:1", 100_000);
    record("/data/b.json:1", 50_000);
    generator.onPeriodicEmit(output);
    assertThat(watermarks).containsExactly(69_999L);
  }
}
