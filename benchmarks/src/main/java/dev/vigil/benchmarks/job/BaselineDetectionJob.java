package dev.vigil.benchmarks.job;

import dev.vigil.detect.JobOptions;
import dev.vigil.detect.job.IngestedEvent;
import dev.vigil.detect.job.NormalizeFunction;
import dev.vigil.ingest.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The hand-written baseline of the detection job benchmark: the five detections of the complete
 * built-in pack with plain {@code KeyedProcessFunction}s, no rule engine.
 *
 * <pre>
 * raw ─▶ normalize (Vigil's, shared) ─▶ event time (same strategy) ─▶ signals
 *          ├─ single events, keyBy(request) ─▶ root use and root credentials, policy changes
 *          └─ actor signals, keyBy(actor.id) ─▶ ≥ 10 distinct denied requests in 5 min,
 *                                               ≥ 50 distinct secrets read in 10 min,
 *                                               break-glass use (hourly) and escalation
 * </pre>
 *
 * The source, the normalize step and the watermarks are Vigil's own, so a comparison measures the
 * detection part: routing, the engine host and its state against what a Flink developer would write
 * for these five detections alone.
 */
public final class BaselineDetectionJob {

  static final int ROOT_TOKEN_USE = 1;
  static final int POLICY_CHANGE = 2;

  /** Detection names by bit position of the single-event bits above. */
  static final String[] SINGLE_DETECTIONS = {"root_token_use", "policy_change"};

  private BaselineDetectionJob() {}

  /** Wires the baseline from {@code raw}, with the event-time settings of {@code options}. */
  public static DataStream<BaselineAlert> build(DataStream<RawRecord> raw, JobOptions options) {
    WatermarkStrategy<IngestedEvent> eventTime =
        WatermarkStrategy.<IngestedEvent>forBoundedOutOfOrderness(options.maxOutOfOrderness())
            .withTimestampAssigner((in, previous) -> in.event.getTime().toEpochMilli())
            .withIdleness(options.idleness());
    SingleOutputStreamOperator<Signal> signals =
        raw.process(new NormalizeFunction(options.sourceHints(), options.normalizer()))
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
    DataStream<BaselineAlert> actors =
        signals
            .getSideOutput(SignalExtractor.ACTOR)
            .keyBy(Signal::getKey, Types.STRING)
            .process(new ActorDetector())
            .returns(TypeInformation.of(BaselineAlert.class))
            .name("actor-windows");
    return single.union(actors);
  }
}
