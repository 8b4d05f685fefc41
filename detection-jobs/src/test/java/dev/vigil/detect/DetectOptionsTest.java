package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ingest.NormalizerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link DetectOptions.Builder#build()} refuses, one rule per test, and its defaults. */
class DetectOptionsTest {

  private static final List<Path> TWO_INPUTS = List.of(Path.of("/logs/vault"), Path.of("a.jsonl"));

  private static DetectOptions.Builder twoInputs() {
    return DetectOptions.builder().setInputs(TWO_INPUTS);
  }

  @Test
  void defaultsNameEachInputAsItsPathAndWriteNoFile() {
    DetectOptions options = twoInputs().build();

    assertThat(options.inputNames()).containsExactly("/logs/vault", "a.jsonl");
    assertThat(options.rules()).isEmpty();
    assertThat(options.normalizer()).isEqualTo(NormalizerSettings.none());
    assertThat(options.alertsOut()).isNull();
    assertThat(options.eventsOut()).isNull();
    assertThat(options.deadLetterOut()).isNull();
    assertThat(options.parallelism()).isBetween(1, 4);
    assertThat(options.maxOutOfOrderness()).isEqualTo(JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS);
    assertThat(options.timeout()).isEqualTo(DetectOptions.DEFAULT_TIMEOUT);
    assertThat(options.progress()).isNull();
    assertThat(options.progressInterval()).isEqualTo(DetectOptions.DEFAULT_PROGRESS_INTERVAL);
  }

  @Test
  void keepsWhatWasSet() {
    Path alerts = Path.of("out/alerts.jsonl");
    DetectOptions options =
        twoInputs()
            .setInputNames(List.of("vault", "a.jsonl"))
            .setRules(List.of(Path.of("rules")))
            .setAlertsOut(alerts)
            .setParallelism(3)
            .setMaxOutOfOrderness(Duration.ZERO)
            .setTimeout(Duration.ofMinutes(1))
            .setProgress(summary -> {})
            .setProgressInterval(Duration.ofMillis(100))
            .build();

    assertThat(options.inputs()).isEqualTo(TWO_INPUTS);
    assertThat(options.inputNames()).containsExactly("vault", "a.jsonl");
    assertThat(options.rules()).containsExactly(Path.of("rules"));
    assertThat(options.alertsOut()).isEqualTo(alerts);
    assertThat(options.parallelism()).isEqualTo(3);
    assertThat(options.maxOutOfOrderness()).isZero();
    assertThat(options.timeout()).hasMinutes(1);
    assertThat(options.progress()).isNotNull();
    assertThat(options.progressInterval()).hasMillis(100);
  }

  @Test
  void needsAnInput() {
    assertThatThrownBy(() -> DetectOptions.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no input given");
  }

  @Test
  void needsOneNamePerInput() {
    assertThatThrownBy(() -> twoInputs().setInputNames(List.of("vault")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("one name per input: 1 names for 2 inputs");
  }

  @Test
  void needsNormalizerSettings() {
    assertThatThrownBy(() -> twoInputs().setNormalizer(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("normalizer");
  }

  @Test
  void refusesTwoOutputsOnOneFile() {
    assertThatThrownBy(
            () ->
                twoInputs()
                    .setAlertsOut(Path.of("out/run.jsonl"))
                    .setDeadLetterOut(Path.of("out/./run.jsonl"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two outputs name the same file: out/./run.jsonl");
  }

  @Test
  void needsAtLeastOneSubtask() {
    assertThatThrownBy(() -> twoInputs().setParallelism(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parallelism must be at least 1");
  }

  @Test
  void refusesANegativeOrMissingOutOfOrderness() {
    assertThatThrownBy(() -> twoInputs().setMaxOutOfOrderness(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the maximum out-of-orderness cannot be negative");
    assertThatThrownBy(() -> twoInputs().setMaxOutOfOrderness(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxOutOfOrderness");
  }

  @Test
  void needsAPositiveTimeout() {
    assertThatThrownBy(() -> twoInputs().setTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the timeout must be positive");
    assertThatThrownBy(() -> twoInputs().setTimeout(Duration.ofSeconds(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the timeout must be positive");
  }

  @Test
  void needsAPositiveProgressInterval() {
    assertThatThrownBy(
            () -> twoInputs().setProgress(summary -> {}).setProgressInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the progress interval must be positive");
  }
}
