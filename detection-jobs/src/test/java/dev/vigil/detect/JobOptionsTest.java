package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.kafka.SourceHints;
import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link JobOptions.Builder#build()} refuses, one rule per test, and its defaults. */
class JobOptionsTest {

  private static final RuleSet RULES = RuleSet.builtIn();

  @Test
  void defaultsDetectEveryRecordReadInParallel() {
    JobOptions options = JobOptions.builder(RULES).build();

    assertThat(options.rules()).isSameAs(RULES);
    assertThat(options.maxOutOfOrderness()).isEqualTo(JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS);
    assertThat(options.idleness()).isEqualTo(JobOptions.DEFAULT_IDLENESS);
    assertThat(options.minimumAlertMemory()).isEqualTo(JobOptions.DEFAULT_MINIMUM_ALERT_MEMORY);
    assertThat(options.normalizer()).isEqualTo(NormalizerSettings.none());
    assertThat(options.orderedInput()).isFalse();
  }

  @Test
  void keepsWhatWasSet() {
    SourceHints hints = SourceHints.of(Map.of("audit.raw.vault", Optional.of(Source.VAULT)));
    NormalizerSettings normalizer =
        NormalizerSettings.load(List.of("admin@example.com"), Optional.empty());
    JobOptions options =
        JobOptions.builder(RULES)
            .setMaxOutOfOrderness(Duration.ZERO)
            .setIdleness(Duration.ofSeconds(5))
            .setSourceHints(hints)
            .setNormalizer(normalizer)
            .setOrderedInput(true)
            .build();

    assertThat(options.maxOutOfOrderness()).isZero();
    assertThat(options.idleness()).hasSeconds(5);
    assertThat(options.sourceHints()).isSameAs(hints);
    assertThat(options.normalizer()).isSameAs(normalizer);
    assertThat(options.orderedInput()).isTrue();
  }

  @Test
  void needsRules() {
    assertThatThrownBy(() -> JobOptions.builder(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("rules");
  }

  @Test
  void needsSourceHints() {
    assertThatThrownBy(() -> JobOptions.builder(RULES).setSourceHints(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sourceHints");
  }

  @Test
  void needsNormalizerSettings() {
    assertThatThrownBy(() -> JobOptions.builder(RULES).setNormalizer(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("normalizer");
  }

  @Test
  void refusesANegativeOrMissingOutOfOrderness() {
    assertThatThrownBy(
            () -> JobOptions.builder(RULES).setMaxOutOfOrderness(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the maximum out-of-orderness cannot be negative");
    assertThatThrownBy(() -> JobOptions.builder(RULES).setMaxOutOfOrderness(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxOutOfOrderness");
  }

  @Test
  void refusesANegativeOrMissingVaultPairMemory() {
    assertThat(JobOptions.builder(RULES).build().vaultPairMemory()).isEqualTo(Duration.ofDays(1));
    assertThat(
            JobOptions.builder(RULES).setVaultPairMemory(Duration.ZERO).build().vaultPairMemory())
        .isZero();
    assertThatThrownBy(
            () -> JobOptions.builder(RULES).setVaultPairMemory(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the Vault pair memory cannot be negative");
    assertThatThrownBy(() -> JobOptions.builder(RULES).setVaultPairMemory(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("vaultPairMemory");
  }

  @Test
  void refusesAnIdlenessThatIsNotPositive() {
    for (Duration idleness : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
      assertThatThrownBy(() -> JobOptions.builder(RULES).setIdleness(idleness).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the idleness timeout must be positive");
    }
    assertThatThrownBy(() -> JobOptions.builder(RULES).setIdleness(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("idleness");
  }
}
