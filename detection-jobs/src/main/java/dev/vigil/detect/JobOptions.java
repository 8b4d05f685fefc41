package dev.vigil.detect;

import dev.vigil.detect.kafka.SourceHints;
import dev.vigil.ingest.NormalizerSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What the detection job's wiring depends on, whatever its sources and sinks.
 *
 * @param rules the rules to run
 * @param maxOutOfOrderness how far behind the newest event time seen an event may arrive and still
 *     be judged at its own time (the watermark delay); later events are judged at the clock and
 *     counted as late
 * @param idleness how long a source split (or normalize subtask) may send nothing before the
 *     watermark stops waiting for it
 * @param minimumAlertMemory the least time an alert id is remembered for deduplication (the pack's
 *     longest window plus suppression period when longer)
 * @param sourceHints the source each raw Kafka topic declares (none: every record is detected)
 * @param normalizer the GCP super-admins and the user's mapping tables, read where the job was
 *     configured and carried with it to every TaskManager
 * @param orderedInput the raw stream is one reader's fixed sequence (a bounded run over files, see
 *     {@link dev.vigil.detect.file.RawFiles}): normalization, event time and routing then run in
 *     one subtask and the watermark follows event time instead of a wall-clock timer, so which
 *     records are late, and so every alert, is a function of the input alone; false for Kafka,
 *     whose partitions are read in parallel and whose watermarks must advance while a partition is
 *     silent
 */
public record JobOptions(
    RuleSet rules,
    Duration maxOutOfOrderness,
    Duration idleness,
    Duration minimumAlertMemory,
    SourceHints sourceHints,
    NormalizerSettings normalizer,
    boolean orderedInput)
    implements Serializable {

  public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLENESS = Duration.ofMinutes(1);
  public static final Duration DEFAULT_MINIMUM_ALERT_MEMORY = Duration.ofMinutes(10);

  public JobOptions {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(sourceHints, "sourceHints");
    Objects.requireNonNull(normalizer, "normalizer");
    if (maxOutOfOrderness.isNegative()) {
      throw new IllegalArgumentException("the maximum out-of-orderness cannot be negative");
    }
    if (idleness.isNegative() || idleness.isZero()) {
      throw new IllegalArgumentException("the idleness timeout must be positive");
    }
  }

  /** The defaults, with the given rules. */
  public static JobOptions defaults(RuleSet rules) {
    return new JobOptions(
        rules,
        DEFAULT_MAX_OUT_OF_ORDERNESS,
        DEFAULT_IDLENESS,
        DEFAULT_MINIMUM_ALERT_MEMORY,
        SourceHints.none(),
        NormalizerSettings.none(),
        false);
  }

  public JobOptions withMaxOutOfOrderness(Duration value) {
    return new JobOptions(
        rules, value, idleness, minimumAlertMemory, sourceHints, normalizer, orderedInput);
  }

  public JobOptions withIdleness(Duration value) {
    return new JobOptions(
        rules, maxOutOfOrderness, value, minimumAlertMemory, sourceHints, normalizer, orderedInput);
  }

  public JobOptions withSourceHints(SourceHints value) {
    return new JobOptions(
        rules, maxOutOfOrderness, idleness, minimumAlertMemory, value, normalizer, orderedInput);
  }

  public JobOptions withNormalizer(NormalizerSettings value) {
    return new JobOptions(
        rules, maxOutOfOrderness, idleness, minimumAlertMemory, sourceHints, value, orderedInput);
  }

  /**
   * These options for a raw stream that is one reader's fixed sequence (see {@code orderedInput}).
   */
  public JobOptions withOrderedInput() {
    return new JobOptions(
        rules, maxOutOfOrderness, idleness, minimumAlertMemory, sourceHints, normalizer, true);
  }
}
