package dev.vigil.benchmarks.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's own mistakes are found before it deletes indices or makes topics. */
class EndToEndBenchmarkTest {

  @TempDir Path dir;

  @Test
  void missingSamplesFailBeforeKafkaOrOpenSearchIsAsked() {
    Path samples = dir.resolve("no-samples");

    // TEST-NET addresses: nothing answers there, so a benchmark that asked them first would fail
    // on the connection, not on the samples.
    assertThatThrownBy(
            () ->
                EndToEndBenchmark.main(
                    new String[] {
                      "--kafka", "192.0.2.1:9092",
                      "--opensearch", "http://192.0.2.1:9200",
                      "--samples", samples.toString()
                    }))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageStartingWith(samples.toString());
  }
}
