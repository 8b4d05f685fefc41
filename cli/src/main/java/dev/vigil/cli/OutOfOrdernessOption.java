package dev.vigil.cli;

import dev.vigil.detect.JobOptions;
import dev.vigil.ingest.spi.DurationSyntax;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --max-out-of-orderness}, shared by the bounded runs over files ({@code vigil detect},
 * {@code vigil rules backtest}).
 *
 * <p>What is deterministic whatever the bound: the files are read by one reader in path order and
 * the watermark moves with the records read, not on a wall-clock timer (see {@link
 * dev.vigil.detect.JobOptions#orderedInput}), so the same files with the same bound give the same
 * late records and the same alerts on every run.
 *
 * <p>What the bound still decides: files are read whole, one after another, so two files covering
 * the same hour interleave in event time by up to that hour. With the streaming default (30 s) the
 * records of a file read after a newer one are behind the watermark: late, judged at the engine's
 * clock instead of at their own time, so a correlation spanning both files may be missed. A bound
 * at least the time span of the inputs (the summary names it when records were late) makes every
 * record on time; the cost is memory, since events wait in state until the watermark passes them
 * (with a bound longer than the span, until the input ends).
 */
final class OutOfOrdernessOption {

  @Option(
      names = "--max-out-of-orderness",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How far behind the newest event time a record may arrive and still be judged at its"
              + " own time (default: 30s, as the streaming job). Files covering the same period are"
              + " read one after another: give at least their time span (e.g. 1d; the summary"
              + " names it when records were late) so that none is late; events then wait in"
              + " memory until the watermark passes them.")
  private Duration value = JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS;

  Duration value() {
    return value;
  }

  /** Vigil's one duration syntax ({@link DurationSyntax}), as in vigil.yaml. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return DurationSyntax.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
