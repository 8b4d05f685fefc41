package dev.vigil.detect.job;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.RuleException;
import java.util.function.Consumer;
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
 * <p>A route whose rules never read the raw record ({@link dev.vigil.detect.route.Route#readsRaw})
 * receives the event without it: the raw record is most of an event's size, and what travels to the
 * detect operator is serialized through the shuffle and held in its state until the route's
 * retention has passed. The full event goes on to the events output untouched; the engine, its
 * replay after a restore and the alerts read only canonical fields and the event's id, source and
 * time there.
 *
 * <p>State: none. TTL: not applicable. Late data: counted, side-output, and judged.
 */
public final class GroupRouter extends ProcessFunction<IngestedEvent, RoutedEvent> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<IngestedEvent> LATE =
      new OutputTag<>("late-events", TypeInformation.of(IngestedEvent.class)) {};

  private static final int FIELDS = AuditEvent.getClassSchema().getFields().size();
  private static final int RAW = AuditEvent.getClassSchema().getField("raw").pos();

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
    routed(routes, in.event, in.ingestedAt, out::collect);
  }

  /**
   * Hands {@code out} the records of {@code event}, one per (route, group) it must be judged in,
   * without the raw record on routes that read none.
   */
  static void routed(Routes routes, AuditEvent event, long ingestedAt, Consumer<RoutedEvent> out) {
    AuditEvent[] withoutRaw = new AuditEvent[1];
    routes.route(
        event,
        (route, key) -> {
          AuditEvent judged = event;
          if (!route.readsRaw()) {
            if (withoutRaw[0] == null) {
              withoutRaw[0] = withoutRaw(event);
            }
            judged = withoutRaw[0];
          }
          out.accept(new RoutedEvent(key, judged, ingestedAt));
        });
  }

  /**
   * The event with an empty raw record. Shares the other fields' objects with {@code event}: both
   * are serialized at once (the router's output goes through the shuffle) and nothing modifies
   * them.
   */
  static AuditEvent withoutRaw(AuditEvent event) {
    AuditEvent compact = new AuditEvent();
    for (int field = 0; field < FIELDS; field++) {
      compact.put(field, field == RAW ? "" : event.get(field));
    }
    return compact;
  }
}
