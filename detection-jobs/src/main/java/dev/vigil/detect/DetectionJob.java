package dev.vigil.detect;

import dev.vigil.detect.job.AlertDeduplicator;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.detect.job.DetectionOperator;
import dev.vigil.detect.job.GroupRouter;
import dev.vigil.detect.job.IngestedEvent;
import dev.vigil.detect.job.InputOrderWatermarks;
import dev.vigil.detect.job.NormalizeFunction;
import dev.vigil.detect.job.RoutedEvent;
import dev.vigil.detect.kafka.PartitionWatermarks;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.RawRecord;
import dev.vigil.rules.RuleException;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The detection job. Its only work is wiring; each step is an operator of its own, with its state,
 * TTL and late-data policy described there:
 *
 * <pre>
 * raw records ─▶ normalize ──────────────────────────────────────────────▶ events
 *                   └─(dead letters)─────────────────────────────────────▶ dead letters
 *                   ▼
 *             event time (bounded out-of-orderness: per Kafka partition with idleness, or
 *                   │         following the records of an ordered file input)
 *                   ▼
 *             route (one record per route and group; late ones counted) ─▶ late
 *                   ▼ keyBy(route + group)
 *             detect (one engine per route per subtask, clock = watermark)
 *                   ▼ keyBy(alert_id)
 *             deduplicate ─────────────────────────────────────────────▶ alerts
 * </pre>
 *
 * Sources and sinks are plugged in by the deployment: files for a bounded run ({@link
 * EmbeddedDetection}, {@link #main}), Kafka topics for a streaming one; the operators and so the
 * alerts are the same.
 *
 * <p>Over an ordered input ({@link JobOptions#orderedInput}: one reader, files in a fixed order)
 * everything before the first shuffle runs in one subtask and the watermark moves with the records,
 * so the alerts are the same on every run over the same files with the same options.
 */
public final class DetectionJob {

  private DetectionJob() {}

  /**
   * Wires the job from {@code raw} and attaches {@code sinks}. Compiles the rules here (on the
   * submitting side) so a broken rule fails before the job starts.
   */
  public static JobStreams build(
      StreamExecutionEnvironment env, DataStream<RawRecord> raw, JobSinks sinks, JobOptions options)
      throws RuleException {
    JobStreams streams = build(raw, options);
    sinks.attach(streams);
    return streams;
  }

  /** Wires the job from {@code raw}; the caller attaches sinks to the returned streams. */
  public static JobStreams build(DataStream<RawRecord> raw, JobOptions options)
      throws RuleException {
    RuleSet rules = options.rules();
    Routes routes = Routes.of(rules);
    // Without object reuse Flink deep-copies every record into each operator chained behind the
    // one that made it (a whole event twice between normalize and route). No operator of the job
    // changes a record it received or emits one it later changes, and the detection state holds
    // events that came through the shuffle (fresh objects), so sharing them is safe; sinks
    // attached to the outputs must not change what they receive either (none does).
    raw.getExecutionEnvironment().getConfig().enableObjectReuse();

    SingleOutputStreamOperator<IngestedEvent> normalized =
        inputOrder(
            raw.process(new NormalizeFunction(options.sourceHints(), options.normalizer()))
                .returns(TypeInformation.of(IngestedEvent.class))
                .name("normalize")
                .uid("normalize"),
            options);

    SingleOutputStreamOperator<RoutedEvent> routed =
        inputOrder(
            inputOrder(
                    normalized
                        .assignTimestampsAndWatermarks(eventTime(options))
                        .name("event-time")
                        .uid("event-time"),
                    options)
                .process(new GroupRouter(rules))
                .returns(TypeInformation.of(RoutedEvent.class))
                .name("route")
                .uid("route"),
            options);

    DataStream<AlertRecord> candidates =
        routed
            .keyBy(RoutedEvent::getKey, Types.STRING)
            .transform(
                "detect",
                TypeInformation.of(AlertRecord.class),
                new DetectionOperator(rules, options.vaultPairMemory()))
            .uid("detect");
    Duration alertMemory =
        routes.longestRetention().compareTo(options.minimumAlertMemory()) > 0
            ? routes.longestRetention()
            : options.minimumAlertMemory();
    DataStream<AlertRecord> alerts =
        candidates
            .keyBy(AlertRecord::getAlertId, Types.STRING)
            .process(new AlertDeduplicator(alertMemory))
            .returns(TypeInformation.of(AlertRecord.class))
            .name("deduplicate-alerts")
            .uid("deduplicate-alerts");

    return new JobStreams(
        () ->
            inputOrder(
                normalized
                    .map(in -> in.event)
                    .returns(TypeInformation.of(AuditEvent.class))
                    .name("events")
                    .uid("events"),
                options),
        normalized.getSideOutput(NormalizeFunction.DEAD_LETTERS),
        alerts,
        routed.getSideOutput(GroupRouter.LATE));
  }

  /**
   * Event time. Over an ordered input (a bounded run over files) the watermark follows the records
   * ({@link InputOrderWatermarks}), so lateness depends on the input alone. Otherwise per Kafka
   * partition (told apart by origin), so that one subtask reading several partitions is held back
   * by the slowest, on a wall-clock timer so that it advances past a silent partition (see {@link
   * PartitionWatermarks}).
   */
  private static WatermarkStrategy<IngestedEvent> eventTime(JobOptions options) {
    WatermarkStrategy<IngestedEvent> strategy =
        options.orderedInput()
            ? WatermarkStrategy.forGenerator(
                context -> new InputOrderWatermarks<>(options.maxOutOfOrderness()))
            : WatermarkStrategy.forGenerator(
                context ->
                    new PartitionWatermarks<>(
                        in -> in.event.getOrigin(),
                        options.maxOutOfOrderness(),
                        options.idleness(),
                        System::currentTimeMillis));
    return strategy.withTimestampAssigner((in, previous) -> in.event.getTime().toEpochMilli());
  }

  /**
   * Over an ordered input, an operator before the shuffle runs in one subtask, chained to the one
   * reader: every record then passes the watermark generator and the lateness check in the order
   * read, and each detect subtask has one input channel, so it sees one fixed sequence of records
   * and watermarks. Detection after the shuffle stays parallel.
   */
  private static <T> SingleOutputStreamOperator<T> inputOrder(
      SingleOutputStreamOperator<T> operator, JobOptions options) {
    return options.orderedInput() ? operator.setParallelism(1) : operator;
  }

  /**
   * Entry point for {@code flink run}: either a bounded run over files on the cluster's file
   * system, writing part files (exactly once, committed on checkpoints), or, with {@code --config},
   * the unbounded job from Kafka ({@link dev.vigil.detect.kafka.ContinuousDetection}). A wrong
   * command line prints the usage, a mistake in the configuration, the credentials or the rules its
   * message; both exit 1, as {@code vigil run} does, without a stack trace ({@link JobEntry}).
   *
   * <pre>
   * flink run vigil-detection-jobs.jar --input PATH [--input PATH]... --output DIR
   *     [--rules DIR]... [--max-out-of-orderness 30s] [--checkpoint-interval 30s]
   * flink run vigil-detection-jobs.jar --config vigil.yaml
   * </pre>
   */
  public static void main(String[] args) throws Exception {
    int status = JobEntry.run(args, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }
}
