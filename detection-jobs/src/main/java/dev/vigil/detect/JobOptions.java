package dev.vigil.detect;

import dev.vigil.detect.kafka.SourceHints;
import dev.vigil.ingest.NormalizerSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What the detection job's wiring depends on, whatever its sources and sinks, made with {@link
 * #builder}: every setting has a default but the rules, and {@link Builder#build()} checks them all
 * together, so an instance is always one the job can be wired with.
 */
public final class JobOptions implements Serializable {

  public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLENESS = Duration.ofMinutes(1);
  public static final Duration DEFAULT_MINIMUM_ALERT_MEMORY = Duration.ofMinutes(10);
  public static final Duration DEFAULT_VAULT_PAIR_MEMORY = Duration.ofDays(1);

  private final RuleSet rules;
  private final Duration maxOutOfOrderness;
  private final Duration idleness;
  private final SourceHints sourceHints;
  private final NormalizerSettings normalizer;
  private final boolean orderedInput;
  private final Duration vaultPairMemory;

  private JobOptions(Builder builder) {
    this.rules = builder.rules;
    this.maxOutOfOrderness = builder.maxOutOfOrderness;
    this.idleness = builder.idleness;
    this.sourceHints = builder.sourceHints;
    this.normalizer = builder.normalizer;
    this.orderedInput = builder.orderedInput;
    this.vaultPairMemory = builder.vaultPairMemory;
  }

  /** The settings of a job that runs {@code rules}, all others at their defaults. */
  public static Builder builder(RuleSet rules) {
    return new Builder(rules);
  }

  /** The rules to run. */
  public RuleSet rules() {
    return rules;
  }

  /**
   * How far behind the newest event time seen an event may arrive and still be judged at its own
   * time (the watermark delay); later events are judged at the clock and counted as late.
   */
  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  /**
   * How long a source split (or normalize subtask) may send nothing before the watermark stops
   * waiting for it.
   */
  public Duration idleness() {
    return idleness;
  }

  /**
   * The least time an alert id is remembered for deduplication (the pack's longest window plus
   * suppression period when longer).
   */
  public Duration minimumAlertMemory() {
    return DEFAULT_MINIMUM_ALERT_MEMORY;
  }

  /**
   * How long the detect operator remembers a Vault request one of whose two entries came and the
   * other not (yet): an entry later than that is judged as a request of its own, and may alert
   * again for it. It costs state only for such requests; {@code 0s}: forgotten once judged.
   */
  public Duration vaultPairMemory() {
    return vaultPairMemory;
  }

  /** The source each raw Kafka topic declares (none: every record is detected). */
  public SourceHints sourceHints() {
    return sourceHints;
  }

  /**
   * The GCP super-admins and the user's mapping tables, read where the job was configured and
   * carried with it to every TaskManager.
   */
  public NormalizerSettings normalizer() {
    return normalizer;
  }

  /**
   * Whether the raw stream is one reader's fixed sequence (a bounded run over files, see {@link
   * dev.vigil.detect.file.RawFiles}): normalization, event time and routing then run in one subtask
   * and the watermark follows event time instead of a wall-clock timer, so which records are late,
   * and so every alert, is a function of the input alone; false for Kafka, whose partitions are
   * read in parallel and whose watermarks must advance while a partition is silent.
   */
  public boolean orderedInput() {
    return orderedInput;
  }

  /**
   * The settings of a job. Defaults: {@link #DEFAULT_MAX_OUT_OF_ORDERNESS}, {@link
   * #DEFAULT_IDLENESS}, {@link #DEFAULT_VAULT_PAIR_MEMORY}, no source hints, the built-in mapping
   * tables and no GCP super-admins, and a raw stream read in parallel (not ordered).
   */
  public static final class Builder {
    private final RuleSet rules;
    private Duration maxOutOfOrderness = DEFAULT_MAX_OUT_OF_ORDERNESS;
    private Duration idleness = DEFAULT_IDLENESS;
    private SourceHints sourceHints = SourceHints.none();
    private NormalizerSettings normalizer = NormalizerSettings.none();
    private boolean orderedInput;
    private Duration vaultPairMemory = DEFAULT_VAULT_PAIR_MEMORY;

    private Builder(RuleSet rules) {
      this.rules = rules;
    }

    public Builder setMaxOutOfOrderness(Duration value) {
      maxOutOfOrderness = value;
      return this;
    }

    public Builder setIdleness(Duration value) {
      idleness = value;
      return this;
    }

    public Builder setSourceHints(SourceHints value) {
      sourceHints = value;
      return this;
    }

    public Builder setNormalizer(NormalizerSettings value) {
      normalizer = value;
      return this;
    }

    /** See {@link #vaultPairMemory()}. */
    public Builder setVaultPairMemory(Duration value) {
      vaultPairMemory = value;
      return this;
    }

    /** Whether the raw stream is one reader's fixed sequence (see {@link #orderedInput()}). */
    public Builder setOrderedInput(boolean value) {
      orderedInput = value;
      return this;
    }

    /**
     * The options, once every rule between the settings holds.
     *
     * @throws IllegalArgumentException when one does not (the message says which)
     * @throws NullPointerException when the rules, or a setting that has a default, are null
     */
    public JobOptions build() {
      Objects.requireNonNull(rules, "rules");
      Objects.requireNonNull(sourceHints, "sourceHints");
      Objects.requireNonNull(normalizer, "normalizer");
      if (Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness").isNegative()) {
        throw new IllegalArgumentException("the maximum out-of-orderness cannot be negative");
      }
      Objects.requireNonNull(idleness, "idleness");
      if (idleness.isNegative() || idleness.isZero()) {
        throw new IllegalArgumentException("the idleness timeout must be positive");
      }
      if (Objects.requireNonNull(vaultPairMemory, "vaultPairMemory").isNegative()) {
        throw new IllegalArgumentException("the Vault pair memory cannot be negative");
      }
      return new JobOptions(this);
    }
  }
}
