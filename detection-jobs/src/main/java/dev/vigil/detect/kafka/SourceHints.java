package dev.vigil.detect.kafka;

import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.RawRecord;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The source a raw topic declares ({@code audit.raw.vault} carries Vault records), applied when its
 * records are normalized.
 *
 * <p>Decision: a topic's source is forced, not merely preferred. The producer that writes to {@code
 * audit.raw.vault} has said what the records are; parsing them as Vault skips detection (less work
 * per record) and never lets an unusual Vault record be taken for another source. A record on the
 * wrong topic is dead-lettered with the topic's source as {@code source_guess} and the parser's
 * reason, where an operator sees the misrouting. A topic configured as {@code auto} (and any topic
 * matched only by the raw pattern) is detected per record, as files are. Records from files are
 * always detected.
 *
 * <p>Serializable configuration; {@link #normalizer()} builds the per-task normalizer.
 */
public final class SourceHints implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Topic to forced source; topics without a hint are absent. */
  private final Map<String, Source> forced;

  private SourceHints(Map<String, Source> forced) {
    this.forced = forced;
  }

  /** No hints: every record is detected. */
  public static SourceHints none() {
    return new SourceHints(Map.of());
  }

  /** Hints from the configured raw topics ({@code kafka.topics.raw}). */
  public static SourceHints of(Map<String, Optional<Source>> rawTopics) {
    Map<String, Source> forced = new LinkedHashMap<>();
    rawTopics.forEach((topic, source) -> source.ifPresent(s -> forced.put(topic, s)));
    return new SourceHints(forced);
  }

  /**
   * A normalizer that applies these hints, its parsers built with {@code settings}; build one per
   * task (normalizers are thread-safe).
   */
  public HintedNormalizer normalizer(NormalizerSettings settings) {
    return new HintedNormalizer(forced, settings);
  }

  /**
   * Normalizes each record with the normalizer its origin calls for: forced to its topic's source,
   * or detecting. The topic is matched by prefix on the origin, without cutting it per record.
   */
  public static final class HintedNormalizer {
    private final Normalizer detecting;
    private final String[] prefixes;
    private final Normalizer[] normalizers;

    private HintedNormalizer(Map<String, Source> forced, NormalizerSettings settings) {
      detecting = Normalizer.builder().settings(settings).build();
      Map<Source, Normalizer> bySource = new EnumMap<>(Source.class);
      prefixes = new String[forced.size()];
      normalizers = new Normalizer[forced.size()];
      int index = 0;
      for (Map.Entry<String, Source> hint : forced.entrySet()) {
        prefixes[index] = KafkaOrigin.PREFIX + hint.getKey() + '/';
        normalizers[index] =
            bySource.computeIfAbsent(
                hint.getValue(),
                source -> Normalizer.builder().settings(settings).forceSource(source).build());
        index++;
      }
    }

    public void normalize(RawRecord record, NormalizeOutput out) {
      String origin = record.origin();
      for (int i = 0; i < prefixes.length; i++) {
        if (origin.startsWith(prefixes[i])) {
          normalizers[i].normalize(record, out);
          return;
        }
      }
      detecting.normalize(record, out);
    }
  }
}
