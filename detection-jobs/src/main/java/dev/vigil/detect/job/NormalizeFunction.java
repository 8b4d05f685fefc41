package dev.vigil.detect.job;

import dev.vigil.detect.DetectSummary;
import dev.vigil.detect.kafka.SourceHints;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.RawRecord;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw records to canonical events, with every record that cannot become one on the {@link
 * #DEAD_LETTERS} side output (reason, raw bytes and origin kept; see {@link Normalizer}).
 *
 * <p>State: none (the normalizer is stateless and thread-safe). TTL: not applicable. Late data: not
 * applicable (event time is assigned after this operator).
 *
 * <p>Metrics: {@code recordsIn}; {@code source.<SOURCE>.eventsOut} (a raw record's source is known
 * only once it is parsed, so records in per source are counted as the events each source yields);
 * {@code reason.<REASON>.deadLettered} and {@code source_guess.<SOURCE or unknown>.deadLettered}.
 * Accumulators also keep the earliest and latest event time, for a bounded run to tell the time its
 * inputs span, and which inputs were damaged (read failures, one per damaged file), for a bounded
 * run to tell the user.
 */
public final class NormalizeFunction extends ProcessFunction<RawRecord, IngestedEvent> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>(
          "dead-letters",
          org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class)) {};

  private final SourceHints sourceHints;
  private final NormalizerSettings settings;
  private transient SourceHints.HintedNormalizer normalizer;
  private transient Tally.Single records;
  private transient Tally events;
  private transient Tally deadLetters;
  private transient Tally deadLettersBySource;
  private transient LongMinimum earliest;
  private transient LongMaximum latest;
  private transient ListAccumulator<String> damagedInputs;

  /**
   * @param sourceHints the source each raw Kafka topic declares; records of other origins are
   *     detected
   * @param settings the super-admins and user tables the parsers are built with, in this task
   */
  public NormalizeFunction(SourceHints sourceHints, NormalizerSettings settings) {
    this.sourceHints = sourceHints;
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    normalizer = sourceHints.normalizer(settings);
    records = Tally.single(getRuntimeContext(), Tally.RECORDS);
    events = new Tally(getRuntimeContext(), "source", "eventsOut", Tally.EVENTS);
    deadLetters = new Tally(getRuntimeContext(), "reason", "deadLettered", Tally.DEAD_LETTERS);
    deadLettersBySource =
        new Tally(
            getRuntimeContext(), "source_guess", "deadLettered", Tally.DEAD_LETTERS_BY_SOURCE);
    earliest = new LongMinimum();
    latest = new LongMaximum();
    getRuntimeContext().addAccumulator(Tally.EARLIEST_EVENT, earliest);
    getRuntimeContext().addAccumulator(Tally.LATEST_EVENT, latest);
    damagedInputs = new ListAccumulator<>();
    getRuntimeContext().addAccumulator(Tally.DAMAGED_INPUTS, damagedInputs);
  }

  @Override
  public void processElement(RawRecord raw, Context context, Collector<IngestedEvent> out) {
    records.add();
    if (raw.readFailure() != null) {
      damagedInputs.add(raw.origin() + ": " + raw.readFailure());
    }
    long ingestedAt = context.timerService().currentProcessingTime();
    normalizer.normalize(
        raw,
        new NormalizeOutput() {
          @Override
          public void event(AuditEvent event) {
            events.add(event.getSource().name());
            long time = event.getTime().toEpochMilli();
            earliest.add(time);
            latest.add(time);
            out.collect(new IngestedEvent(event, ingestedAt));
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {
            deadLetters.add(deadLetter.getReason().name());
            Source guess = deadLetter.getSourceGuess();
            deadLettersBySource.add(guess == null ? DetectSummary.UNKNOWN_SOURCE : guess.name());
            context.output(DEAD_LETTERS, deadLetter);
          }
        });
  }
}
