package dev.vigil.detect;

import dev.vigil.ingest.NormalizerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A bounded detection run ({@code vigil detect}, {@code vigil rules backtest}).
 *
 * @param inputs raw files or directories, any source
 * @param inputNames each input as the user gave it, for the origins of its records (a relative path
 *     stays relative; see {@link dev.vigil.detect.file.RawFiles}); same size as {@code inputs}
 * @param rules rule directories or files; empty for the built-in pack
 * @param normalizer the GCP super-admins and the user's mapping tables the parsers are built with
 * @param alertsOut where alerts go as JSON Lines, or null to keep only the summary
 * @param eventsOut where normalized events go as JSON Lines, or null
 * @param deadLetterOut where dead letters go as JSON Lines, or null
 * @param parallelism subtasks per operator
 * @param maxOutOfOrderness the watermark delay (see {@link JobOptions})
 * @param timeout the run is cancelled and fails after this long
 * @param progress called about every {@code progressInterval} with the counts so far, or null
 * @param progressInterval how often {@code progress} is called
 */
public record DetectOptions(
    List<Path> inputs,
    List<String> inputNames,
    List<Path> rules,
    NormalizerSettings normalizer,
    Path alertsOut,
    Path eventsOut,
    Path deadLetterOut,
    int parallelism,
    Duration maxOutOfOrderness,
    Duration timeout,
    Consumer<DetectSummary> progress,
    Duration progressInterval) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

  public DetectOptions {
    inputs = List.copyOf(inputs);
    inputNames = List.copyOf(inputNames);
    if (inputNames.size() != inputs.size()) {
      throw new IllegalArgumentException("one name per input");
    }
    rules = List.copyOf(rules);
    Objects.requireNonNull(normalizer, "normalizer");
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no input given");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive");
    }
  }

  /**
   * Built-in rules, the built-in mapping tables and no GCP super-admins, no file outputs, default
   * parallelism (up to 4), watermark delay and timeout; each input named in origins as its path
   * here.
   */
  public static DetectOptions of(List<Path> inputs) {
    return new DetectOptions(
        inputs,
        inputs.stream().map(Path::toString).toList(),
        List.of(),
        NormalizerSettings.none(),
        null,
        null,
        null,
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
        JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS,
        DEFAULT_TIMEOUT,
        null,
        DEFAULT_PROGRESS_INTERVAL);
  }

  /**
   * The inputs named as the user gave them (relative paths resolved against a working directory
   * that is not the process's keep their given form in origins).
   */
  public DetectOptions withInputNames(List<String> value) {
    return new DetectOptions(
        inputs,
        value,
        rules,
        normalizer,
        alertsOut,
        eventsOut,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withRules(List<Path> value) {
    return new DetectOptions(
        inputs,
        inputNames,
        value,
        normalizer,
        alertsOut,
        eventsOut,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withNormalizer(NormalizerSettings value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        value,
        alertsOut,
        eventsOut,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withAlertsOut(Path value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        value,
        eventsOut,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withEventsOut(Path value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        alertsOut,
        value,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withDeadLetterOut(Path value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        alertsOut,
        eventsOut,
        value,
        parallelism,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withParallelism(int value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        alertsOut,
        eventsOut,
        deadLetterOut,
        value,
        maxOutOfOrderness,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withMaxOutOfOrderness(Duration value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        alertsOut,
        eventsOut,
        deadLetterOut,
        parallelism,
        value,
        timeout,
        progress,
        progressInterval);
  }

  public DetectOptions withTimeout(Duration value) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        alertsOut,
        eventsOut,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        value,
        progress,
        progressInterval);
  }

  public DetectOptions withProgress(Consumer<DetectSummary> value, Duration interval) {
    return new DetectOptions(
        inputs,
        inputNames,
        rules,
        normalizer,
        alertsOut,
        eventsOut,
        deadLetterOut,
        parallelism,
        maxOutOfOrderness,
        timeout,
        value,
        interval);
  }
}
