package dev.vigil.detect.config;

import dev.vigil.ingest.yaml.InvalidConfigException;

/**
 * A mistake in vigil.yaml, located for the person who wrote it: the file, the 1-based line (0 when
 * unknown), the key by its full dotted path, and what is wrong; the message reads {@code
 * <file>:<line>: <dotted.key>: <problem>}. A user mistake, so callers print {@link #getMessage()}
 * and exit, without a stack trace. Never carries a secret value.
 *
 * <p>The sections' readers find their mistakes as {@link InvalidConfigException}s (they live in
 * modules below this one); {@link VigilConfigLoader} turns them into this one type, which the
 * commands and the job's entry point catch along with what else can go wrong with the file.
 */
public final class ConfigException extends RuntimeException {

  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  public ConfigException(String file, int line, String key, String problem) {
    super(InvalidConfigException.message(file, line, key, problem));
    this.file = file;
    this.line = line;
    this.key = key;
    this.problem = problem;
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
