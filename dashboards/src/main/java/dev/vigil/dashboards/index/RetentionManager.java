package dev.vigil.dashboards.index;

import dev.vigil.dashboards.index.IndexContract.ManagedIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ExpandWildcard;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.aggregations.CompositeAggregate;
import org.opensearch.client.opensearch._types.aggregations.CompositeAggregationSource;
import org.opensearch.client.opensearch._types.aggregations.CompositeBucket;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch.cat.indices.IndicesRecord;
import org.opensearch.client.opensearch.core.SearchResponse;

/**
 * {@code vigil retention apply}: deletes every Vigil index whose whole period has outlived its
 * family's retention. The Index State Management plugin would do this inside OpenSearch, but it is
 * not part of every distribution (nor of the one the local stack runs), so Vigil does it itself,
 * from the same retention file that chose each event's index; run it daily (cron, a Kubernetes
 * CronJob).
 *
 * <p>Design: a plan first, then deletion. The plan lists every index matching {@code vigil-*} (open
 * and closed; the contract's prefix, without {@code vigil demo --stack}'s) with a verdict; only
 * names that parse as {@code vigil-<known family>-<period>} can be deleted, and only when {@code
 * today >= period end + retention} (UTC), so every document in a deleted index is at least its
 * retention old. Retention counts event time, as compliance retention does, which leaves two ways
 * to lose data someone still relies on, and the plan guards both:
 *
 * <ul>
 *   <li>An alert outlives its events (alerts are kept 2 years, logins 90 days), and an alert must
 *       lead to the events behind it. So the {@code event_ids} of every alert in an alert index the
 *       plan keeps are looked up in the expired event indices (chunked below OpenSearch's terms
 *       limit, counted per index by one aggregation), and an index holding any is kept ({@link
 *       Verdict#KEEP_EVIDENCE}) until the last alert citing it expires. Alerts are few, so their
 *       ids fit in memory; an alert index deleted in the same run protects nothing.
 *   <li>A backfill or replay of old records writes indices that are expired the day they are
 *       created. An index created less than {@link #RECENT} ago is kept ({@link
 *       Verdict#KEEP_RECENT}) unless the caller asks to delete recent indices too, and even then
 *       its decision says when it was written, so the deletion is never silent.
 * </ul>
 *
 * Indices of unknown families (a class removed from the retention file, a hand-made index) are
 * listed and kept: deleting data needs a rule that says so. Each index is deleted by its exact
 * name, never by a pattern. A closed index cannot be searched: a closed alert index protects no
 * evidence and a closed event index is judged without it.
 */
public final class RetentionManager {

  /** How many days an index counts as recently written, after its creation. */
  public static final int RECENT_DAYS = 30;

  /** {@link #RECENT_DAYS} as a period. */
  public static final Period RECENT = Period.ofDays(RECENT_DAYS);

  /** Event ids per terms query: far below OpenSearch's index.max_terms_count (65,536). */
  static final int IDS_PER_QUERY = 10_000;

  private final OpenSearchClient client;
  private final IndexContract contract;
  private final Clock clock;
  private final boolean deleteRecent;

  /**
   * @param deleteRecent delete an expired index even when it was created less than {@link #RECENT}
   *     ago (a backfill, a replay), instead of keeping it until then
   */
  public RetentionManager(
      OpenSearchClient client, IndexContract contract, Clock clock, boolean deleteRecent) {
    this.client = client;
    this.contract = contract;
    this.clock = clock;
    this.deleteRecent = deleteRecent;
  }

  /** What retention does to one index. */
  public enum Verdict {
    /** Its period plus retention has passed: deleted (or would be, on a dry run). */
    EXPIRED,
    /** Still within retention. */
    KEEP,
    /**
     * Expired, but created less than {@link #RECENT} ago (a backfill, a replay): kept until then.
     */
    KEEP_RECENT,
    /** Expired, but holds events behind alerts that are kept: kept as long as they are. */
    KEEP_EVIDENCE,
    /** Its family is kept forever. */
    KEEP_FOREVER,
    /** Not a {@code vigil-<known family>-<period>} name: never touched. */
    UNMANAGED
  }

  /**
   * One index and its verdict.
   *
   * @param family the family's name, or null when unmanaged
   * @param deletableFrom the first day its event time lets it be deleted, or null (forever,
   *     unmanaged)
   * @param writtenOn the day the index was created, when that is less than {@link #RECENT} before
   *     today and its event time has expired (kept, or deleted with a note); otherwise null
   * @param evidence for {@link Verdict#KEEP_EVIDENCE}, what it holds; otherwise null
   * @param deleted true when this run deleted it
   */
  public record Decision(
      String index,
      String family,
      Verdict verdict,
      LocalDate deletableFrom,
      LocalDate writtenOn,
      Evidence evidence,
      boolean deleted) {

    /** The day a {@link Verdict#KEEP_RECENT} index stops being recent, else null. */
    public LocalDate recentUntil() {
      return verdict == Verdict.KEEP_RECENT ? writtenOn.plus(RECENT) : null;
    }

    Decision withEvidence(Evidence found) {
      return new Decision(
          index, family, Verdict.KEEP_EVIDENCE, deletableFrom, writtenOn, found, false);
    }

    Decision asDeleted() {
      return new Decision(index, family, verdict, deletableFrom, writtenOn, evidence, true);
    }
  }

  /**
   * The events behind kept alerts that an expired event index holds.
   *
   * @param events how many of them
   * @param until the first day every alert citing them may be deleted, or null when one of them is
   *     kept forever
   */
  public record Evidence(long events, LocalDate until) {}

  /** Every {@code vigil-*} index with its verdict as of today; deletes nothing. */
  public List<Decision> plan() throws IOException {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    List<Decision> decisions = new ArrayList<>();
    for (Map.Entry<String, LocalDate> index : vigilIndices().entrySet()) {
      decisions.add(judge(index.getKey(), index.getValue(), today));
    }
    decisions = keepEvidence(decisions);
    decisions.sort(Comparator.comparing(Decision::index));
    return decisions;
  }

  /**
   * Deletes the expired indices of {@link #plan()}, unless {@code dryRun}.
   *
   * @return the plan, with {@code deleted} set for what this run removed
   * @throws IOException when OpenSearch cannot be reached or refuses a deletion; indices deleted
   *     before the failure stay deleted, and a second run carries on
   */
  public List<Decision> apply(boolean dryRun) throws IOException {
    return apply(dryRun, decision -> {});
  }

  /**
   * {@link #apply(boolean)}, telling {@code onDecision} about each index as soon as it is judged or
   * deleted, so a caller can report what was deleted even when a later deletion fails.
   */
  public List<Decision> apply(boolean dryRun, Consumer<Decision> onDecision) throws IOException {
    List<Decision> plan = plan();
    List<Decision> done = new ArrayList<>(plan.size());
    for (Decision decision : plan) {
      if (dryRun || decision.verdict() != Verdict.EXPIRED) {
        onDecision.accept(decision);
        done.add(decision);
        continue;
      }
      try {
        client.indices().delete(d -> d.index(decision.index()));
      } catch (OpenSearchException e) {
        if (e.status() != 404) {
          throw new IOException(
              "OpenSearch refused to delete " + decision.index() + ": " + e.getMessage(), e);
        }
        // Gone already (another run, a person): the goal is met.
      }
      Decision deleted = decision.asDeleted();
      onDecision.accept(deleted);
      done.add(deleted);
    }
    return done;
  }

  /**
   * The verdict of one index by its name and creation day alone (evidence comes later).
   *
   * @param createdOn the index's creation day (UTC), or null when OpenSearch did not say
   */
  Decision judge(String index, LocalDate createdOn, LocalDate today) {
    Optional<ManagedIndex> parsed = contract.parse(index);
    if (parsed.isEmpty()) {
      return new Decision(index, null, Verdict.UNMANAGED, null, null, null, false);
    }
    ManagedIndex managed = parsed.get();
    String family = managed.family().name();
    LocalDate deletableFrom = managed.family().retention().deletableFrom(managed.period().end());
    if (deletableFrom == null) {
      return new Decision(index, family, Verdict.KEEP_FOREVER, null, null, null, false);
    }
    if (today.isBefore(deletableFrom)) {
      return new Decision(index, family, Verdict.KEEP, deletableFrom, null, null, false);
    }
    LocalDate writtenOn =
        createdOn != null && today.isBefore(createdOn.plus(RECENT)) ? createdOn : null;
    Verdict verdict = writtenOn != null && !deleteRecent ? Verdict.KEEP_RECENT : Verdict.EXPIRED;
    return new Decision(index, family, verdict, deletableFrom, writtenOn, null, false);
  }

  /** The decisions, with every expired event index that holds an event behind a kept alert kept. */
  private List<Decision> keepEvidence(List<Decision> judged) throws IOException {
    Set<String> candidates = new TreeSet<>();
    for (Decision decision : judged) {
      if (decision.verdict() == Verdict.EXPIRED && isEventFamily(decision.family())) {
        candidates.add(decision.index());
      }
    }
    if (candidates.isEmpty()) {
      return judged;
    }
    Map<String, Evidence> evidence = evidenceIn(candidates, citedEventIds(judged));
    List<Decision> decisions = new ArrayList<>(judged.size());
    for (Decision decision : judged) {
      Evidence found = evidence.get(decision.index());
      decisions.add(found == null ? decision : decision.withEvidence(found));
    }
    return decisions;
  }

  private boolean isEventFamily(String family) {
    return family != null
        && contract.classes().stream().anyMatch(c -> c.family().name().equals(family));
  }

  /**
   * The event ids cited by the alerts of every alert index the plan keeps, each with the first day
   * all those alerts may be deleted ({@link LocalDate#MAX}: never).
   */
  private Map<String, LocalDate> citedEventIds(List<Decision> judged) throws IOException {
    Map<String, LocalDate> cited = new HashMap<>();
    for (Decision decision : judged) {
      if (!contract.alerts().name().equals(decision.family())) {
        continue;
      }
      LocalDate until =
          switch (decision.verdict()) {
            case KEEP -> decision.deletableFrom();
            case KEEP_RECENT -> decision.recentUntil();
            case KEEP_FOREVER -> LocalDate.MAX;
            default -> null; // deleted in this run: protects nothing
          };
      if (until == null) {
        continue;
      }
      Map<String, FieldValue> after = null;
      do {
        Map<String, FieldValue> page = after;
        SearchResponse<Void> response =
            client.search(
                s ->
                    s.index(decision.index())
                        .ignoreUnavailable(true)
                        .size(0)
                        .aggregations(
                            "ids",
                            a ->
                                a.composite(
                                    c -> {
                                      c.size(IDS_PER_QUERY)
                                          .sources(
                                              Map.of(
                                                  "id",
                                                  CompositeAggregationSource.of(
                                                      src ->
                                                          src.terms(t -> t.field("event_ids")))));
                                      return page == null ? c : c.after(page);
                                    })),
                Void.class);
        Aggregate ids = response.aggregations().get("ids");
        if (ids == null) {
          break; // a closed index, ignored as unavailable
        }
        CompositeAggregate composite = ids.composite();
        for (CompositeBucket bucket : composite.buckets().array()) {
          cited.merge(bucket.key().get("id").stringValue(), until, RetentionManager::later);
        }
        after = composite.buckets().array().isEmpty() ? null : composite.afterKey();
      } while (after != null);
    }
    return cited;
  }

  /** How many of the cited events each candidate index holds, and until when they are cited. */
  private Map<String, Evidence> evidenceIn(Set<String> candidates, Map<String, LocalDate> cited)
      throws IOException {
    Map<LocalDate, List<String>> idsByUntil = new TreeMap<>();
    cited.forEach((id, until) -> idsByUntil.computeIfAbsent(until, u -> new ArrayList<>()).add(id));
    List<FieldValue> indexNames = candidates.stream().map(FieldValue::of).toList();
    Map<String, Evidence> evidence = new HashMap<>();
    for (Map.Entry<LocalDate, List<String>> group : idsByUntil.entrySet()) {
      for (List<String> chunk : chunks(group.getValue(), IDS_PER_QUERY)) {
        List<FieldValue> ids = chunk.stream().map(FieldValue::of).toList();
        SearchResponse<Void> response =
            client.search(
                s ->
                    s.index(IndexContract.EVENTS_PATTERN)
                        .ignoreUnavailable(true)
                        .allowNoIndices(true)
                        .size(0)
                        .query(
                            q ->
                                q.bool(
                                    b ->
                                        b.filter(
                                                f ->
                                                    f.terms(
                                                        t ->
                                                            t.field("_index")
                                                                .terms(v -> v.value(indexNames))))
                                            .filter(
                                                f ->
                                                    f.terms(
                                                        t ->
                                                            t.field("event_id")
                                                                .terms(v -> v.value(ids))))))
                        .aggregations(
                            "index", a -> a.terms(t -> t.field("_index").size(candidates.size()))),
                Void.class);
        Aggregate byIndex = response.aggregations().get("index");
        if (byIndex == null) {
          continue; // no events index open
        }
        for (StringTermsBucket bucket : byIndex.sterms().buckets().array()) {
          evidence.merge(
              bucket.key(),
              new Evidence(bucket.docCount(), group.getKey()),
              (a, b) -> new Evidence(a.events() + b.events(), later(a.until(), b.until())));
        }
      }
    }
    evidence.replaceAll(
        (index, found) ->
            found.until().equals(LocalDate.MAX) ? new Evidence(found.events(), null) : found);
    return evidence;
  }

  static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += size) {
      chunks.add(items.subList(from, Math.min(items.size(), from + size)));
    }
    return chunks;
  }

  private static LocalDate later(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * The indices under the contract's prefix (open and closed), with the day each was created (UTC).
   * Those of {@code vigil demo --stack} ({@link IndexContract#DEMO_PREFIX}) are not listed by a
   * real run's {@code vigil-*}: they are not Vigil's records of anything, so they are neither
   * counted nor judged.
   */
  private Map<String, LocalDate> vigilIndices() throws IOException {
    List<String> patterns = new ArrayList<>(List.of(contract.prefix() + "*"));
    if (IndexContract.DEMO_PREFIX.startsWith(contract.prefix())
        && !IndexContract.DEMO_PREFIX.equals(contract.prefix())) {
      patterns.add("-" + IndexContract.DEMO_PREFIX + "*");
    }
    Map<String, LocalDate> indices = new HashMap<>();
    for (IndicesRecord record :
        client
            .cat()
            .indices(
                r ->
                    r.index(patterns)
                        .headers("index", "creation.date")
                        .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed))
            .valueBody()) {
      String created = record.creationDate();
      indices.put(
          record.index(),
          created == null
              ? null
              : LocalDate.ofInstant(Instant.ofEpochMilli(Long.parseLong(created)), ZoneOffset.UTC));
    }
    return indices;
  }
}
