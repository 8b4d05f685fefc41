package dev.vigil.ingest.yaml;

/**
 * A mistake in configuration, located for the person who wrote it: vigil.yaml or a section of it,
 * found by {@link ConfigMapping} or by the file's loader. It holds the file and 1-based line when
 * the mapping came from a file (null and 0 when it did not, e.g. one built from command-line flags;
 * line 0 too when no line is known), the key by its full dotted path (empty for the whole file),
 * and what is wrong. The message reads {@code <file>:<line>: <dotted.key>: <problem>}, leaving out
 * what is unknown. A user mistake, so callers print {@link #getMessage()} and exit without a stack
 * trace; {@code vigil run} and the job jar's entry point catch it along with what else can go wrong
 * with the file. It never carries a secret value.
 *
 * <p>An {@link IllegalArgumentException}, as the readers of single sections ({@code
 * OpenSearchConfig.fromTree}) have always declared, so their callers need not change. A caller that
 * treats other {@code IllegalArgumentException}s as programming errors must catch this one first.
 */
public final class InvalidConfigException extends IllegalArgumentException {

  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  public InvalidConfigException(String file, int line, String key, String problem) {
    super(message(file, line, key, problem));
    this.file = file;
    this.line = line;
    this.key = key == null ? "" : key;
    this.problem = problem;
  }

  /** {@code <file>:<line>: <key>: <problem>}, leaving out the file, line or key when unknown. */
  public static String message(String file, int line, String key, String problem) {
    StringBuilder text = new StringBuilder();
    if (file != null) {
      text.append(file);
      if (line > 0) {
        text.append(':').append(line);
      }
      text.append(": ");
    }
    if (key != null && !key.isEmpty()) {
      text.append(key).append(": ");
    }
    return text.append(problem).toString();
  }

  /** The file's name as the user typed it, or null when the mapping did not come from a file. */
  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The offending key's dotted path ({@code kafka.topics.alerts}); empty for the whole file. */
  public String key() {
    return key;
  }

  /** What is wrong, without the file, line or key. */
  public String problem() {
    return problem;
  }
}
