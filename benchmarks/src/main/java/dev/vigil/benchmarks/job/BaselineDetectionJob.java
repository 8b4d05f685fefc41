package dev.vigil.benchmarks.job;

import dev.vigil.detect.JobOptions;
import dev.vigil.detect.job.IngestedEvent;
import dev.vigil.detect.job.NormalizeFunction;
import dev.vigil.ingest.RawRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The hand-written baseline of the detection job benchmark: the five detections of the built-in
 * pack with plain {@code KeyedProcessFunction}s, no rule engine.
 *
 * <pre>
 * raw ─▶ normalize (Vigil's, shared) ─▶ event time (same strategy) ─▶ signals
 *          ├─ single events, keyBy(request)  ─▶ root use, policy change, break-glass use
 *          ├─ denied, keyBy(actor.id)        ─▶ ≥ 10 distinct requests in 5 min, sliding
 *          └─ secret reads, keyBy(actor.id)  ─▶ ≥ 50 distinct resources in 10 min, sliding
 * </pre>
 *
 * The source, the normalize step and the watermarks are Vigil's own, so a comparison measures the
 * detection part: routing, the engine host and its state against what a Flink developer would write
 * for these five detections alone.
 */
public final class BaselineDetectionJob {

  static final int ROOT_TOKEN_USE = 1;
  static final int POLICY_CHANGE = 2;
  static final int BREAK_GLASS_USE = 4;

  /** Detection names by bit position of the single-event bits above. */
  static final String[] SINGLE_DETECTIONS = {"root_token_use", "policy_change", "break_glass_use"};

  private static final Duration DENIED_SPAN = Duration.ofMinutes(5);
  private static final int DENIED_THRESHOLD = 10;
  private static final Duration READS_SPAN = Duration.ofMinutes(10);
  private static final int READS_THRESHOLD = 50;

  private BaselineDetectionJob() {}

  /** Wires the baseline from {@code raw}, with the event-time settings of {@code options}. */
  public static DataStream<BaselineAlert> build(DataStream<RawRecord> raw, JobOptions options) {
    WatermarkStrategy<IngestedEvent> eventTime =
        WatermarkStrategy.<IngestedEvent>forBoundedOutOfOrderness(options.maxOutOfOrderness())
            .withTimestampAssigner((in, previous) -> in.event.getTime().toEpochMilli())
            .withIdleness(options.idleness());
    SingleOutputStreamOperator<Signal> signals =
        raw.process(new NormalizeFunction())
            .returns(TypeInformation.of(IngestedEvent.class))
            .name("normalize")
            .assignTimestampsAndWatermarks(eventTime)
            .name("event-time")
            .process(new SignalExtractor())
            .returns(TypeInformation.of(Signal.class))
            .name("signals");

    DataStream<BaselineAlert> single =
        signals
            .keyBy(Signal::getKey, Types.STRING)
            .process(new SingleEventDetector())
            .returns(TypeInformation.of(BaselineAlert.class))
            .name("single-events");
    DataStream<BaselineAlert> denied =
        signals
            .getSideOutput(SignalExtractor.DENIED)
            .keyBy(Signal::getKey, Types.STRING)
            .process(
                new SlidingDistinctCountDetector(
                    "denied_access_spike", DENIED_SPAN.toMillis(), DENIED_THRESHOLD))
            .returns(TypeInformation.of(BaselineAlert.class))
            .name("denied-access-spike");
    DataStream<BaselineAlert> reads =
        signals
            .getSideOutput(SignalExtractor.SECRET_READS)
            .keyBy(Signal::getKey, Types.STRING)
            .process(
                new SlidingDistinctCountDetector(
                    "mass_secret_reads", READS_SPAN.toMillis(), READS_THRESHOLD))
            .returns(TypeInformation.of(BaselineAlert.class))
            .name("mass-secret-reads");
    return single.union(denied, reads);
  }
}
