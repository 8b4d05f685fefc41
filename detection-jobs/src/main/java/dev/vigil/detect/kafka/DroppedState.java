package dev.vigil.detect.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;

/**
 * A restore refused because the saved state holds an operator the job no longer has, said in
 * vigil.yaml's terms. Flink names only the operator's hash; Vigil's stateful outputs have fixed
 * uids, so the hash of each (and of a sink's writer and committer, whose uids derive from it) tells
 * which setting removed it.
 */
public final class DroppedState {

  /** How Flink words the refusal, with the operator's hash. */
  private static final Pattern UNMAPPED =
      Pattern.compile("Cannot map checkpoint/savepoint state for operator ([0-9a-f]{32})");

  private static final Map<OperatorID, String> BY_HASH = byHash();

  private DroppedState() {}

  /**
   * The removed output whose state stopped the restore ({@code alerts-notify (notify:)}), or a
   * general phrase for an operator that is not one of them; empty when {@code failure} is not such
   * a refusal.
   */
  public static Optional<String> describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      Matcher matcher = UNMAPPED.matcher(t.getMessage() == null ? "" : t.getMessage());
      if (matcher.find()) {
        String hash = matcher.group(1);
        return Optional.of(
            BY_HASH.entrySet().stream()
                .filter(known -> known.getKey().toString().equals(hash))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("operator " + hash + ", which this version of the job no longer has"));
      }
    }
    return Optional.empty();
  }

  private static Map<OperatorID, String> byHash() {
    Map<OperatorID, String> byHash = new LinkedHashMap<>();
    KafkaJobSinks.OUTPUT_SETTINGS.forEach(
        (uid, setting) -> {
          String described = uid + " (" + setting + ")";
          for (String part : new String[] {uid, uid + ": Writer", uid + ": Committer"}) {
            byHash.put(
                new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(part)), described);
          }
        });
    return Map.copyOf(byHash);
  }
}
