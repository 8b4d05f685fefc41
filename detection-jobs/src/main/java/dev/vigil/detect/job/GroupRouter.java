package dev.vigil.detect.job;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Route;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.RuleException;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
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
 * <p>Each route receives the event projected to what its engine needs ({@link
 * dev.vigil.detect.route.EventProjection}): the fields its rules read and those alerts take, the
 * raw record only when a rule reads it. What travels to the detect operator is serialized through
 * the shuffle and held in its state and its engines' windows until the route's retention has
 * passed; the raw record alone is most of an event's size. The full event goes on to the events
 * output untouched.
 *
 * <p>State: none. TTL: not applicable. Late data: counted, side-output, and judged.
 */
public final class GroupRouter extends ProcessFunction<IngestedEvent, RoutedEvent> {

  private static final long serialVersionUID = 1L;

  /**
   * The metric of the {@code |re} evaluations over budget, here while routing and in the detect
   * operator while judging (docs/detection-job.md).
   */
  public static final String REGEX_OVER_BUDGET = "regexOverBudget";

  public static final OutputTag<IngestedEvent> LATE =
      new OutputTag<>("late-events", TypeInformation.of(IngestedEvent.class)) {};

  private final RuleSet rules;
  private transient Routes routes;
  private transient Tally.Single late;
  private transient Counter regexOverBudget;

  public GroupRouter(RuleSet rules) {
    this.rules = rules;
  }

  @Override
  public void open(OpenContext openContext) throws RuleException {
    routes = Routes.of(rules);
    late = Tally.single(getRuntimeContext(), Tally.LATE);
    regexOverBudget = getRuntimeContext().getMetricGroup().counter(REGEX_OVER_BUDGET);
  }

  @Override
  public void processElement(IngestedEvent in, Context context, Collector<RoutedEvent> out) {
    if (in.event.getTime().toEpochMilli() < context.timerService().currentWatermark()) {
      late.add();
      context.output(LATE, in);
    }
    int overBudget = routed(routes, in.event, in.ingestedAt, out::collect);
    if (overBudget > 0) {
      regexOverBudget.inc(overBudget);
    }
  }

  /**
   * Hands {@code out} the records of {@code event}, one per (route, group) it must be judged in,
   * each projected to what its route needs.
   *
   * @return the {@code |re} evaluations that ran out of their budget while routing ({@link
   *     Routes#route})
   */
  static int routed(Routes routes, AuditEvent event, long ingestedAt, Consumer<RoutedEvent> out) {
    // An event a correlation's aliases send under two keys of one route is projected once.
    Route[] lastRoute = new Route[1];
    AuditEvent[] lastProjected = new AuditEvent[1];
    return routes.route(
        event,
        (route, key) -> {
          if (route != lastRoute[0]) {
            lastRoute[0] = route;
            lastProjected[0] = route.projection().apply(event);
          }
          out.accept(new RoutedEvent(key, lastProjected[0], ingestedAt));
        });
  }
}
