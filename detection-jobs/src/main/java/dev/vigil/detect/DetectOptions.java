package dev.vigil.detect;

import dev.vigil.ingest.NormalizerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A bounded detection run ({@code vigil detect}, {@code vigil rules backtest}), made with {@link
 * #builder()}: every setting has a default but the inputs, and {@link Builder#build()} checks them
 * all together, so an instance is always a run that can start.
 */
public final class DetectOptions {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

  private final List<Path> inputs;
  private final List<String> inputNames;
  private final List<Path> rules;
  private final NormalizerSettings normalizer;
  private final Path alertsOut;
  private final Path eventsOut;
  private final Path deadLetterOut;
  private final int parallelism;
  private final Duration maxOutOfOrderness;
  private final Duration timeout;
  private final Consumer<DetectSummary> progress;
  private final Duration progressInterval;

  private DetectOptions(Builder builder, List<String> inputNames) {
    this.inputs = builder.inputs;
    this.inputNames = inputNames;
    this.rules = builder.rules;
    this.normalizer = builder.normalizer;
    this.alertsOut = builder.alertsOut;
    this.eventsOut = builder.eventsOut;
    this.deadLetterOut = builder.deadLetterOut;
    this.parallelism = builder.parallelism;
    this.maxOutOfOrderness = builder.maxOutOfOrderness;
    this.timeout = builder.timeout;
    this.progress = builder.progress;
    this.progressInterval = builder.progressInterval;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Raw files or directories, any source. */
  public List<Path> inputs() {
    return inputs;
  }

  /**
   * Each input as the user gave it, for the origins of its records (a relative path stays relative;
   * see {@link dev.vigil.detect.file.RawFiles}); one per input, in the same order.
   */
  public List<String> inputNames() {
    return inputNames;
  }

  /** Rule directories or files; empty for the built-in pack. */
  public List<Path> rules() {
    return rules;
  }

  /** The GCP super-admins and the user's mapping tables the parsers are built with. */
  public NormalizerSettings normalizer() {
    return normalizer;
  }

  /** Where alerts go as JSON Lines, or null to keep only the summary. */
  public Path alertsOut() {
    return alertsOut;
  }

  /** Where normalized events go as JSON Lines, or null. */
  public Path eventsOut() {
    return eventsOut;
  }

  /** Where dead letters go as JSON Lines, or null. */
  public Path deadLetterOut() {
    return deadLetterOut;
  }

  /** Subtasks per operator. */
  public int parallelism() {
    return parallelism;
  }

  /** The watermark delay (see {@link JobOptions}). */
  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  /** The run is cancelled and fails after this long. */
  public Duration timeout() {
    return timeout;
  }

  /** Called about every {@link #progressInterval} with the counts so far, or null. */
  public Consumer<DetectSummary> progress() {
    return progress;
  }

  /** How often {@link #progress} is called. */
  public Duration progressInterval() {
    return progressInterval;
  }

  /**
   * The settings of a run. Defaults: built-in rules, the built-in mapping tables and no GCP
   * super-admins, no file outputs, parallelism up to 4, the streaming job's watermark delay, {@link
   * #DEFAULT_TIMEOUT}, no progress, and each input named in origins as its path.
   */
  public static final class Builder {
    private List<Path> inputs = List.of();
    private List<String> inputNames;
    private List<Path> rules = List.of();
    private NormalizerSettings normalizer = NormalizerSettings.none();
    private Path alertsOut;
    private Path eventsOut;
    private Path deadLetterOut;
    private int parallelism = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private Duration maxOutOfOrderness = JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Consumer<DetectSummary> progress;
    private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;

    private Builder() {}

    public Builder setInputs(List<Path> value) {
      inputs = List.copyOf(value);
      return this;
    }

    /**
     * The inputs named as the user gave them, one per input (relative paths resolved against a
     * working directory that is not the process's keep their given form in origins).
     */
    public Builder setInputNames(List<String> value) {
      inputNames = List.copyOf(value);
      return this;
    }

    public Builder setRules(List<Path> value) {
      rules = List.copyOf(value);
      return this;
    }

    public Builder setNormalizer(NormalizerSettings value) {
      normalizer = value;
      return this;
    }

    public Builder setAlertsOut(Path value) {
      alertsOut = value;
      return this;
    }

    public Builder setEventsOut(Path value) {
      eventsOut = value;
      return this;
    }

    public Builder setDeadLetterOut(Path value) {
      deadLetterOut = value;
      return this;
    }

    public Builder setParallelism(int value) {
      parallelism = value;
      return this;
    }

    public Builder setMaxOutOfOrderness(Duration value) {
      maxOutOfOrderness = value;
      return this;
    }

    public Builder setTimeout(Duration value) {
      timeout = value;
      return this;
    }

    public Builder setProgress(Consumer<DetectSummary> value) {
      progress = value;
      return this;
    }

    public Builder setProgressInterval(Duration value) {
      progressInterval = value;
      return this;
    }

    /**
     * The options, once every rule between the settings holds.
     *
     * @throws IllegalArgumentException when one does not (the message says which)
     * @throws NullPointerException when a setting that has a default was set to null
     */
    public DetectOptions build() {
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException("no input given");
      }
      List<String> names =
          inputNames != null ? inputNames : inputs.stream().map(Path::toString).toList();
      if (names.size() != inputs.size()) {
        throw new IllegalArgumentException(
            "one name per input: " + names.size() + " names for " + inputs.size() + " inputs");
      }
      Objects.requireNonNull(normalizer, "normalizer");
      requireDistinctOutputs();
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1");
      }
      Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness");
      if (maxOutOfOrderness.isNegative()) {
        throw new IllegalArgumentException("the maximum out-of-orderness cannot be negative");
      }
      requirePositive(Objects.requireNonNull(timeout, "timeout"), "the timeout");
      // A zero interval would leave the run no time to wait: it would be cancelled at once.
      requirePositive(
          Objects.requireNonNull(progressInterval, "progressInterval"), "the progress interval");
      return new DetectOptions(this, names);
    }

    /** Two file sinks on one file would replace each other's output whole: one would be lost. */
    private void requireDistinctOutputs() {
      List<Path> seen = new ArrayList<>();
      for (Path out : new Path[] {alertsOut, eventsOut, deadLetterOut}) {
        if (out == null) {
          continue;
        }
        Path normalized = out.toAbsolutePath().normalize();
        if (seen.contains(normalized)) {
          throw new IllegalArgumentException("two outputs name the same file: " + out);
        }
        seen.add(normalized);
      }
    }

    private static void requirePositive(Duration value, String what) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
    }
  }
}
