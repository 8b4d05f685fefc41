package dev.vigil.detect.config;

import dev.vigil.ingest.spi.NearNames;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A mistake in vigil.yaml, located for the person who wrote it: the file, the 1-based line (0 when
 * unknown), the key by its full dotted path, and what is wrong. A user mistake, so callers print
 * {@link #getMessage()} and exit, without a stack trace. Never carries a secret value.
 */
public final class ConfigException extends RuntimeException {

  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  public ConfigException(String file, int line, String key, String problem) {
    super(format(file, line, key, problem));
    this.file = file;
    this.line = line;
    this.key = key;
    this.problem = problem;
  }

  private static String format(String file, int line, String key, String problem) {
    StringBuilder text = new StringBuilder(file);
    if (line > 0) {
      text.append(':').append(line);
    }
    text.append(": ");
    if (key != null && !key.isEmpty()) {
      text.append(key).append(": ");
    }
    return text.append(problem).toString();
  }

  /**
   * What to say of a key nobody reads: the known keys near it ({@code unknown key; did you mean
   * 'interval'?}), or all of them when none is near, so a typo gets its fix and a guess its
   * options.
   */
  public static String unknownKey(String typed, Collection<String> known) {
    NearNames near = new NearNames(typed);
    for (String name : known) {
      near.rank(name).ifPresent(rank -> near.offer(name, rank));
    }
    List<String> suggestions = near.suggestions();
    return suggestions.isEmpty()
        ? "unknown key; known keys here: " + String.join(", ", new TreeSet<>(known))
        : "unknown key; " + NearNames.didYouMean(suggestions);
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** The offending key's dotted path ({@code kafka.topics.alerts}); empty for the whole file. */
  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }
}
