package dev.vigil.detect.route;

import dev.vigil.detect.RuleSet;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.engine.CompiledCorrelation;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.engine.VigilEvent;
import dev.vigil.rules.model.CorrelationRule;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.Suppress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * How a pack's events are partitioned across subtasks: one {@link Route} per distinct way the
 * pack's rules form groups.
 *
 * <p>Design: a correlation must see every event of its group in one place, but the pack's
 * correlations group by different fields (actor, actor and source, resource...), so no single key
 * serves them all, and broadcasting every event to every subtask (or running at parallelism 1) does
 * not scale. Rules are therefore split by the fields that form their groups: correlations whose
 * base rules all group by the same fields share a route; single-event rules with {@code
 * suppress.by} share a route per distinct {@code by}; single-event rules without suppression form
 * the event route, keyed by the event's request (a Vault request and its response meet there, so
 * the engine alerts once for both). For each event the router emits one record per route the event
 * can matter to, keyed by the route's fields, and only when one of the route's rules (or base
 * rules) matches: most events match no rule at all, and an event no rule of a route can match would
 * only cost that route a shuffle, state and an engine's time. Traffic so grows with what rules
 * need, not with the input or the number of subtasks. Each route runs only its own rules (a
 * compiled sub-pack), so a correlation never sees a partial group routed for another correlation.
 *
 * <p>A correlation whose base rules group by different fields ({@code aliases}) gets a route of its
 * own, each match keyed by its rule's fields. An event that matches two of its base rules with
 * different values is sent under both keys, and each copy is judged by the whole sub-pack there.
 *
 * <p>A key starts with its route's identity ({@link Route#identity}: the kind and the fields that
 * form its groups, hashed), not its position: a rule that adds or removes a route before another
 * must not move the other's keyed state, which a restore from a savepoint taken with another pack
 * maps back to its route by that identity.
 *
 * <p>Routes are computed once per JVM and rule set, like the compiled pack.
 */
public final class Routes {

  private static final Map<String, Routes> PLANNED = new ConcurrentHashMap<>();

  private final CompiledPack full;
  private final List<Route> routes;
  private final Map<String, Route> byId;

  private Routes(CompiledPack full, List<Route> routes) {
    this.full = full;
    this.routes = List.copyOf(routes);
    Map<String, Route> ids = new HashMap<>();
    for (Route route : routes) {
      ids.put(route.id(), route);
    }
    this.byId = Map.copyOf(ids);
  }

  /** The routes of a rule set, planned and compiled once per JVM. */
  public static Routes of(RuleSet rules) throws RuleException {
    Routes cached = PLANNED.get(rules.fingerprint());
    if (cached != null) {
      return cached;
    }
    synchronized (PLANNED) {
      cached = PLANNED.get(rules.fingerprint());
      if (cached == null) {
        cached = plan(rules.pack(), rules.compiled());
        PLANNED.put(rules.fingerprint(), cached);
      }
      return cached;
    }
  }

  public List<Route> routes() {
    return routes;
  }

  public Route route(int index) {
    return routes.get(index);
  }

  /** The route of an identity ({@link Route#id}), or null when this pack has no such route. */
  public Route byId(String id) {
    return id == null ? null : byId.get(id);
  }

  /** The longest retention of any route: what bounds the job's detection state. */
  public Duration longestRetention() {
    return routes.stream().map(Route::retention).max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /**
   * Hands {@code out} each (route, key) the event must be judged under; never the same twice.
   *
   * @return how many {@code |re} evaluations ran out of their budget while routing it: a rule they
   *     kept from matching does not send the event to its route
   */
  public int route(AuditEvent event, BiConsumer<Route, String> out) {
    VigilEvent view = VigilEvent.standalone(event, full);
    // Indexed loops: this runs for every event, and iterators would be its garbage.
    for (int r = 0; r < routes.size(); r++) {
      Route route = routes.get(r);
      List<Route.KeyedRule> keyedRules = route.keyedRules();
      if (route.kind() == Route.Kind.EVENT) {
        if (anyMatches(keyedRules, view)) {
          out.accept(route, Route.key(route.id(), List.of(view.getRequestKey())));
        }
        continue;
      }
      // Most events match none of a route's rules, so what keys a match is made only for one.
      String firstKey = null;
      Set<String> moreKeys = null;
      List<List<FieldRef>> decided = null;
      for (int k = 0; k < keyedRules.size(); k++) {
        Route.KeyedRule keyed = keyedRules.get(k);
        // A rule keyed by fields an earlier match already keyed the event by adds nothing.
        if ((decided != null && decided.contains(keyed.fields())) || !Route.matches(keyed, view)) {
          continue;
        }
        List<String> values = values(keyed.fields(), view, route.kind() == Route.Kind.SUPPRESS);
        if (values != null) {
          String key = Route.key(route.id(), values);
          if (firstKey == null) {
            firstKey = key;
          } else if (!firstKey.equals(key)) {
            if (moreKeys == null) {
              moreKeys = new LinkedHashSet<>(2);
            }
            moreKeys.add(key);
          }
        }
        if (decided == null) {
          decided = new ArrayList<>(2);
        }
        decided.add(keyed.fields());
      }
      if (firstKey != null) {
        out.accept(route, firstKey);
      }
      if (moreKeys != null) {
        for (String key : moreKeys) {
          out.accept(route, key);
        }
      }
    }
    return view.regexOverBudget();
  }

  private static boolean anyMatches(List<Route.KeyedRule> keyedRules, VigilEvent view) {
    for (int k = 0; k < keyedRules.size(); k++) {
      if (Route.matches(keyedRules.get(k), view)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The values of the fields; a missing value is empty text for suppression (the engine groups it
   * so) and excludes the event from a correlation's groups (the engine ignores it there).
   */
  private static List<String> values(List<FieldRef> fields, VigilEvent event, boolean suppress) {
    List<String> values = new ArrayList<>(fields.size());
    for (FieldRef field : fields) {
      String text = VigilEvent.scalarText(field.read(event));
      if (text == null) {
        if (!suppress) {
          return null;
        }
        text = "";
      }
      values.add(text);
    }
    return values;
  }

  static Routes plan(RulePack pack, CompiledPack full) throws RuleException {
    // Signature (what forms the groups) to the documents of that route, in pack order. The
    // signature, not the position, is the route's identity in keys and state (Route.identity).
    Map<String, Plan> plans = new LinkedHashMap<>();
    for (CompiledRule rule : full.rules()) {
      if (!rule.alerts()) {
        continue;
      }
      Suppress suppress = rule.rule().meta().suppress();
      if (suppress == null) {
        Plan plan = plans.computeIfAbsent("event", s -> new Plan(Route.Kind.EVENT, "request"));
        plan.add(rule);
        plan.keyed.add(new Route.KeyedRule(rule, List.of()));
        if (rule.rule().meta().awaitResponse() != null) {
          // A restored engine must see the waiting request (and its response, if it came) again.
          plan.retain(rule.rule().meta().awaitResponse());
        }
      } else {
        List<String> fieldKeys = rule.suppressBy().stream().map(FieldRef::key).toList();
        Plan plan =
            plans.computeIfAbsent(
                "suppress:" + fieldKeys,
                s -> new Plan(Route.Kind.SUPPRESS, "suppress.by " + fieldKeys));
        plan.add(rule);
        plan.keyed.add(new Route.KeyedRule(rule, rule.suppressBy()));
        plan.retain(suppress.period());
      }
    }
    for (CompiledCorrelation correlation : full.correlations()) {
      Set<List<String>> fieldLists = new LinkedHashSet<>();
      correlation
          .groupFields()
          .values()
          .forEach(fields -> fieldLists.add(fields.stream().map(FieldRef::key).toList()));
      CorrelationRule rule = correlation.rule();
      String signature =
          fieldLists.size() == 1
              ? "group-by:" + fieldLists.iterator().next()
              : "correlation:" + rule.meta().id();
      Plan plan =
          plans.computeIfAbsent(
              signature,
              s ->
                  new Plan(
                      Route.Kind.CORRELATION,
                      fieldLists.size() == 1
                          ? "group-by " + fieldLists.iterator().next()
                          : "group-by " + rule.groupBy() + " of " + rule.meta().id()));
      plan.documents.add(rule.meta().id());
      for (int input : new LinkedHashSet<>(correlation.ruleIndexes())) {
        CompiledRule base = full.rules().get(input);
        plan.documents.add(base.rule().meta().id());
        plan.feed(base, correlation.groupFields().get(input));
      }
      Duration suppress =
          rule.meta().suppress() != null ? rule.meta().suppress().period() : rule.timespan();
      plan.retain(rule.timespan().plus(suppress));
    }
    List<Route> routes = new ArrayList<>();
    Map<String, String> signatureOfId = new HashMap<>();
    for (Map.Entry<String, Plan> entry : plans.entrySet()) {
      Plan plan = entry.getValue();
      String id = Route.identity(plan.kind, entry.getKey());
      String clash = signatureOfId.putIfAbsent(id, entry.getKey());
      if (clash != null) {
        // 48 bits of hash among a pack's few routes: not expected in the lifetime of the project.
        throw new IllegalStateException(
            "routes " + clash + " and " + entry.getKey() + " have the same identity " + id);
      }
      CompiledPack subPack = PackCompiler.compile(subPack(pack, plan.documents));
      routes.add(
          new Route(
              routes.size(),
              id,
              plan.kind,
              plan.description,
              subPack,
              plan.retention,
              plan.keyedInTryOrder(),
              EventProjection.of(FieldReads.of(subPack))));
    }
    return new Routes(full, routes);
  }

  /**
   * The documents of a route as a pack of their own. Base rules that feed a correlation stay quiet
   * here even when the correlation says {@code generate}: they alert on the event or suppression
   * route, once.
   */
  private static RulePack subPack(RulePack pack, Set<String> documentIds) {
    List<RuleFile> files = new ArrayList<>();
    for (RuleFile file : pack.files()) {
      List<RuleDocument> kept = new ArrayList<>();
      for (RuleDocument document : file.documents()) {
        if (!documentIds.contains(document.id())) {
          continue;
        }
        if (document instanceof CorrelationRule c && c.generate()) {
          kept.add(c.withGenerate(false));
        } else {
          kept.add(document);
        }
      }
      if (!kept.isEmpty()) {
        files.add(new RuleFile(file.file(), kept));
      }
    }
    return new RulePack(files, pack.lists());
  }

  private static final class Plan {
    final Route.Kind kind;
    final String description;
    final Set<String> documents = new LinkedHashSet<>();
    final List<Route.KeyedRule> keyed = new ArrayList<>();
    Duration retention = Duration.ZERO;

    Plan(Route.Kind kind, String description) {
      this.kind = kind;
      this.description = description;
    }

    void add(CompiledRule rule) {
      documents.add(rule.rule().meta().id());
    }

    /** A base rule feeding the route's correlations; once, though several correlations use it. */
    void feed(CompiledRule rule, List<FieldRef> fields) {
      for (Route.KeyedRule known : keyed) {
        if (known.rule() == rule && known.fields().equals(fields)) {
          return;
        }
      }
      keyed.add(new Route.KeyedRule(rule, fields));
    }

    /**
     * The keyed rules in the order the router tries them. When all key by the same fields, one
     * match decides the event's key, so the rules with an index key go first: exact values on one
     * field, most often cheap and selective (a rule without one, such as a list of wildcards over
     * several fields, then runs only on the events none of the others took). Otherwise the order of
     * the pack, which is the order of the keys the router hands out.
     */
    List<Route.KeyedRule> keyedInTryOrder() {
      boolean oneKey = keyed.stream().map(Route.KeyedRule::fields).distinct().count() <= 1;
      if (!oneKey) {
        return List.copyOf(keyed);
      }
      List<Route.KeyedRule> ordered = new ArrayList<>(keyed);
      ordered.sort(Comparator.comparing(k -> k.rule().indexKey() == null));
      return List.copyOf(ordered);
    }

    void retain(Duration needed) {
      if (needed.compareTo(retention) > 0) {
        retention = needed;
      }
    }
  }
}
