package dev.vigil.cli;

import dev.vigil.detect.JobOptions;
import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --max-out-of-orderness}, shared by the bounded runs over files ({@code vigil detect},
 * {@code vigil rules backtest}).
 *
 * <p>Why a bounded run needs it: the file source reads whole files one after another per subtask,
 * so two files covering the same hour interleave in event time by up to that hour. With the
 * streaming default (30 s) the records of the file read second are behind the watermark: late,
 * judged at the engine's clock instead of at their own time, and how many depends on which subtask
 * got which file. A bound at least the time span of the inputs makes every record on time and the
 * alerts independent of read order; the cost is memory, since events wait in state until the
 * watermark passes them (with a bound longer than the span, until the input ends).
 */
final class OutOfOrdernessOption {

  @Option(
      names = "--max-out-of-orderness",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How far behind the newest event time a record may arrive and still be judged at its"
              + " own time (default: 30s, as the streaming job). Files covering the same period are"
              + " read one after another: give at least their time span (e.g. 1d) so that none is"
              + " late; events then wait in memory until the watermark passes them.")
  private Duration value = JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS;

  Duration value() {
    return value;
  }

  /** Flink's duration syntax: {@code 500ms}, {@code 30s}, {@code 10min}, {@code 2h}, {@code 1d}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return TimeUtils.parseDuration(text);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new TypeConversionException(
            "'" + text + "' is not a duration (for example 30s, 10min, 2h, 1d)");
      }
    }
  }
}
