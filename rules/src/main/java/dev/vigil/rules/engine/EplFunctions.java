package dev.vigil.rules.engine;

/**
 * The single-row functions the generated EPL calls. Esper needs static methods; the state they use
 * (the compiled pack) travels with the event, so several engines in one JVM never share anything
 * through these.
 */
public final class EplFunctions {

  private EplFunctions() {}

  /** {@code vigil_matches(event, n)}: base rule n's full Sigma detection. */
  public static boolean matches(VigilEvent event, int ruleIndex) {
    return event.matches(ruleIndex);
  }

  /** {@code vigil_group(event, ruleIndex, c)}: the event's group key in correlation c. */
  public static String group(VigilEvent event, int ruleIndex, int correlationIndex) {
    return event.groupKey(ruleIndex, correlationIndex);
  }

  /** {@code vigil_value(event, ruleIndex, c)}: the value correlation c counts distinct. */
  public static String value(VigilEvent event, int ruleIndex, int correlationIndex) {
    return event.pack().correlations().get(correlationIndex).countedValue(ruleIndex, event);
  }

  /**
   * {@code vigil_admit(event, ruleIndex, c)}: whether a match enters the window of {@code
   * temporal_ordered} correlation c, its predecessor in the declared order being in the window
   * already (see {@link OrderedAdmission}); false without a group key.
   */
  public static boolean admit(VigilEvent event, int ruleIndex, int correlationIndex) {
    return event.engine().admitted(correlationIndex, ruleIndex, event);
  }

  /**
   * {@code vigil_due(last(event), groupKey, c)}: false when an alert of correlation c for this
   * group is certain to fall in the suppression period of the group's last alert. Placed in the
   * having clause before anything that reads the window, so a group that stays over its threshold
   * costs no window copy per arriving event while it is quiet.
   */
  public static boolean due(VigilEvent event, String groupKey, int correlationIndex) {
    return event.engine().correlationDue(correlationIndex, groupKey);
  }

  /**
   * {@code vigil_ordered(window(*), c)}: whether the window holds correlation c's rules in their
   * declared order (each after the previous one, by event time then arrival).
   */
  public static boolean ordered(Object window, int correlationIndex) {
    if (!(window instanceof Object[] rows) || rows.length == 0) {
      return false;
    }
    VigilEvent any = DetectionEngine.matchEvent(rows[0]);
    return any.pack().correlations().get(correlationIndex).inOrder(rows);
  }
}
