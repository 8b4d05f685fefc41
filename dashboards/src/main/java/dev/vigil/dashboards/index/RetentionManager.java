package dev.vigil.dashboards.index;

import dev.vigil.dashboards.index.IndexContract.ManagedIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ExpandWildcard;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.cat.indices.IndicesRecord;

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
 * retention old. Indices of unknown families (a class removed from the retention file, a hand-made
 * index) are listed and kept: deleting data needs a rule that says so. Each index is deleted by its
 * exact name, never by a pattern.
 */
public final class RetentionManager {

  private final OpenSearchClient client;
  private final IndexContract contract;
  private final Clock clock;

  public RetentionManager(OpenSearchClient client, IndexContract contract, Clock clock) {
    this.client = client;
    this.contract = contract;
    this.clock = clock;
  }

  /** What retention does to one index. */
  public enum Verdict {
    /** Its period plus retention has passed: deleted (or would be, on a dry run). */
    EXPIRED,
    /** Still within retention. */
    KEEP,
    /** Its family is kept forever. */
    KEEP_FOREVER,
    /** Not a {@code vigil-<known family>-<period>} name: never touched. */
    UNMANAGED
  }

  /**
   * One index and its verdict.
   *
   * @param family the family's name, or null when unmanaged
   * @param deletableFrom the first day it may be deleted, or null (forever, unmanaged)
   * @param deleted true when this run deleted it
   */
  public record Decision(
      String index, String family, Verdict verdict, LocalDate deletableFrom, boolean deleted) {}

  /** Every {@code vigil-*} index with its verdict as of today; deletes nothing. */
  public List<Decision> plan() throws IOException {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    List<Decision> decisions = new ArrayList<>();
    for (String index : vigilIndices()) {
      decisions.add(judge(index, today));
    }
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
      Decision deleted =
          new Decision(
              decision.index(),
              decision.family(),
              decision.verdict(),
              decision.deletableFrom(),
              true);
      onDecision.accept(deleted);
      done.add(deleted);
    }
    return done;
  }

  Decision judge(String index, LocalDate today) {
    Optional<ManagedIndex> parsed = contract.parse(index);
    if (parsed.isEmpty()) {
      return new Decision(index, null, Verdict.UNMANAGED, null, false);
    }
    ManagedIndex managed = parsed.get();
    LocalDate deletableFrom = managed.family().retention().deletableFrom(managed.period().end());
    if (deletableFrom == null) {
      return new Decision(index, managed.family().name(), Verdict.KEEP_FOREVER, null, false);
    }
    Verdict verdict = today.isBefore(deletableFrom) ? Verdict.KEEP : Verdict.EXPIRED;
    return new Decision(index, managed.family().name(), verdict, deletableFrom, false);
  }

  /**
   * The indices under the contract's prefix, open and closed. Those of {@code vigil demo --stack}
   * ({@link IndexContract#DEMO_PREFIX}) are not listed by a real run's {@code vigil-*}: they are
   * not Vigil's records of anything, so they are neither counted nor judged.
   */
  private List<String> vigilIndices() throws IOException {
    List<String> patterns = new ArrayList<>(List.of(contract.prefix() + "*"));
    if (IndexContract.DEMO_PREFIX.startsWith(contract.prefix())
        && !IndexContract.DEMO_PREFIX.equals(contract.prefix())) {
      patterns.add("-" + IndexContract.DEMO_PREFIX + "*");
    }
    List<String> names = new ArrayList<>();
    for (IndicesRecord record :
        client
            .cat()
            .indices(
                r -> r.index(patterns).expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed))
            .valueBody()) {
      names.add(record.index());
    }
    return names;
  }
}
