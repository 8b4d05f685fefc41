package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NormalizePipeline}: results in the order of the records, never more than the window of
 * batches in flight, and a failure where it happened, after the records before it.
 */
class NormalizePipelineTest {

  @Test
  void resultsComeInTheOrderOfTheRecordsAndTheWindowBoundsWhatIsInFlight() {
    Collected collected = new Collected();
    List<String> submitted = new ArrayList<>();
    int mostInFlight = 0;
    try (NormalizePipeline pipeline =
        new NormalizePipeline(normalizer(), OutputFormat.jsonl, 3, collected, 2, 1 << 20)) {
      for (int i = 1; i <= 500; i++) {
        RawRecord record = record(i, i % 7 == 0 ? "{\"no\":\"source\"}" : vault(i));
        submitted.add(record.origin());
        pipeline.submit(record);
        mostInFlight = Math.max(mostInFlight, pipeline.batchesInFlight());
        assertThat(pipeline.batchesInFlight()).as("after record %d", i).isLessThanOrEqualTo(6);
      }
      pipeline.flush();
      assertThat(pipeline.batchesInFlight()).isZero();
    }

    assertThat(mostInFlight).as("the window was filled").isEqualTo(6);
    assertThat(collected.records).isEqualTo(submitted);
    assertThat(collected.outcomes).isEqualTo(submitted.stream().map(o -> "of " + o).toList());
    assertThat(collected.deadLetters).isEqualTo(500 / 7);
  }

  @Test
  void oneWorkerNormalizesEachRecordAsItIsSubmitted() {
    Collected collected = new Collected();
    try (NormalizePipeline pipeline =
        new NormalizePipeline(normalizer(), OutputFormat.avro, 1, collected)) {
      pipeline.submit(record(1, vault(1)));
      assertThat(collected.records).containsExactly("t:1");
      assertThat(pipeline.batchesInFlight()).isZero();
    }
  }

  @Test
  void aFailureOfNormalizingComesAfterTheRecordsBeforeIt() {
    Collected collected = new Collected();
    try (NormalizePipeline pipeline =
        new NormalizePipeline(normalizer(), OutputFormat.jsonl, 4, collected, 3, 1 << 20)) {
      assertThatThrownBy(
              () -> {
                for (int i = 1; i <= 40; i++) {
                  pipeline.submit(record(i, i == 20 ? "{\"request\":{},\"boom\":1}" : vault(i)));
                }
                pipeline.flush();
              })
          .isInstanceOf(AssertionError.class)
          .hasMessage("a parser bug");
    }

    assertThat(collected.records).hasSize(20).endsWith("t:20");
    assertThat(collected.outcomes).hasSize(19).endsWith("of t:19");
  }

  @Test
  void aFailureToWriteStopsTheWorkers() {
    Collected collected =
        new Collected() {
          @Override
          public void event(AuditEvent event, OutputFormat.Encoded<AuditEvent> encoded) {
            if (event.getOrigin().equals("t:100")) {
              throw new IllegalStateException("disk full");
            }
            super.event(event, encoded);
          }
        };
    NormalizePipeline pipeline =
        new NormalizePipeline(normalizer(), OutputFormat.jsonl, 2, collected, 4, 1 << 20);
    try (pipeline) {
      assertThatThrownBy(
              () -> {
                for (int i = 1; i <= 1000; i++) {
                  pipeline.submit(record(i, vault(i)));
                }
              })
          .hasMessage("disk full");
    }

    assertThat(collected.outcomes).hasSize(99);
    assertThat(pipeline.batchesInFlight()).isZero();
  }

  /** What the pipeline handed over, as origins. */
  private static class Collected implements NormalizePipeline.Results {
    final List<String> records = new ArrayList<>();
    final List<String> outcomes = new ArrayList<>();
    int deadLetters;

    @Override
    public void record(RawRecord record) {
      records.add(record.origin());
    }

    @Override
    public void event(AuditEvent event, OutputFormat.Encoded<AuditEvent> encoded) {
      if (encoded instanceof OutputFormat.JsonLine<AuditEvent> line) {
        assertThat(line.text()).contains("\"origin\":\"" + event.getOrigin() + "\"");
      }
      outcomes.add("of " + event.getOrigin());
    }

    @Override
    public void deadLetter(DeadLetter deadLetter, OutputFormat.Encoded<DeadLetter> encoded) {
      deadLetters++;
      outcomes.add("of " + deadLetter.getOrigin());
    }
  }

  private static RawRecord record(int line, String text) {
    return RawRecord.of(text, "t:" + line);
  }

  private static String vault(int i) {
    return "{\"type\":\"request\",\"time\":\"2024-05-01T10:00:00Z\",\"user\":\"u"
        + i
        + "\",\"request\":{\"operation\":\"read\"}}";
  }

  /** The CLI tests' Vault-like parser, which a record with {@code boom} breaks as a bug would. */
  private static Normalizer normalizer() {
    SourceParser vault =
        FakeParsers.both().stream().filter(p -> p.source() == Source.VAULT).findFirst().get();
    return Normalizer.builder()
        .parser(
            new SourceParser() {
              @Override
              public Source source() {
                return Source.VAULT;
              }

              @Override
              public int recognize(SourceRecord record) {
                return vault.recognize(record);
              }

              @Override
              public AuditEvent parse(SourceRecord record) {
                if (record.json().has("boom")) {
                  throw new AssertionError("a parser bug");
                }
                return vault.parse(record);
              }
            })
        .build();
  }
}
