package dev.vigil.detect.notify;

import dev.vigil.rules.Alert;
import dev.vigil.rules.model.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Decides which destinations receive an alert. A destination is a candidate when it takes the
 * default route or the alert's rule names it in {@code notify}; a candidate receives the alert when
 * the alert's severity reaches its {@code min_severity} and its detection passes the destination's
 * include and exclude lists. The destination's filters always apply, also to a rule that names it:
 * they are the destination owner's guard (a pager that takes only {@code high} and above stays so
 * whatever a rule asks).
 *
 * <p>Every name a rule gives is configured: a job does not start otherwise ({@link
 * NotifySink#unknownDestinations}).
 */
final class Routing {

  private final NotifyConfig config;
  private final Function<String, List<String>> ruleNotify;

  /**
   * @param ruleNotify a rule id's {@code notify} list (empty when the rule names none)
   */
  Routing(NotifyConfig config, Function<String, List<String>> ruleNotify) {
    this.config = config;
    this.ruleNotify = ruleNotify;
  }

  /** The names of the destinations that receive {@code alert}, in configuration order. */
  List<String> destinations(Alert alert) {
    List<String> named = ruleNotify.apply(alert.ruleId());
    if (named == null) {
      named = List.of();
    }
    Level level = level(alert);
    List<String> out = new ArrayList<>();
    for (NotifyConfig.Destination destination : config.destinations().values()) {
      NotifyConfig.Route route = destination.route();
      boolean candidate = route.defaultRoute() || named.contains(destination.name());
      if (candidate
          && level.compareTo(route.minSeverity()) >= 0
          && (route.include().isEmpty() || route.include().contains(alert.detection()))
          && !route.exclude().contains(alert.detection())) {
        out.add(destination.name());
      }
    }
    return out;
  }

  /**
   * The alert's severity. Alerts come from validated rules, so an unknown value is a bug upstream;
   * it counts as critical, because paging once too often beats missing a page.
   */
  static Level level(Alert alert) {
    try {
      return Level.parse(alert.severity());
    } catch (IllegalArgumentException | NullPointerException e) {
      return Level.CRITICAL;
    }
  }
}
