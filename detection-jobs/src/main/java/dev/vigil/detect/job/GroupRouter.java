package dev.vigil.detect.job;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.rules.RuleException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Emits each event once per (route, group) it must be judged in, keyed so that every event of a
 * group reaches the same subtask (see {@link Routes} for the partitioning design). Also the place
 * where lateness is decided, once per event: an event behind this operator's watermark goes to
 * {@link #LATE} (counted as {@code lateRecords}) and is still routed and judged; it was already
 * written with the events, like every other.
 *
 * <p>State: none. TTL: not applicable. Late data: counted, side-output, and judged.
 */
public final class GroupRouter extends ProcessFunction<IngestedEvent, RoutedEvent> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<IngestedEvent> LATE =
      new OutputTag<>("late-events", TypeInformation.of(IngestedEvent.class)) {};

  private final RuleSet rules;
  private transient Routes routes;
  private transient Tally.Single late;

  public GroupRouter(RuleSet rules) {
    this.rules = rules;
  }

  @Override
  public void open(OpenContext openContext) throws RuleException {
    routes = Routes.of(rules);
    late = Tally.single(getRuntimeContext(), Tally.LATE);
  }

  @Override
  public void processElement(IngestedEvent in, Context context, Collector<RoutedEvent> out) {
    if (in.event.getTime().toEpochMilli() < context.timerService().currentWatermark()) {
      late.add();
      context.output(LATE, in);
    }
    routes.route(
        in.event, (route, key) -> out.collect(new RoutedEvent(key, in.event, in.ingestedAt)));
  }
}
