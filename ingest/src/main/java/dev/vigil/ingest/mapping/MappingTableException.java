package dev.vigil.ingest.mapping;

/**
 * A mistake in a mapping table, located for the person who wrote it: the file, the 1-based line (0
 * when unknown) and what is wrong, as {@code maps/vault.yaml:3: rule 1: ...}. A user mistake when
 * the table is an override: callers print {@link #getMessage()} and stop, without a stack trace.
 */
public final class MappingTableException extends RuntimeException {

  private final String file;
  private final int line;
  private final String problem;

  public MappingTableException(String file, int line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** What is wrong, without the file and line. */
  public String problem() {
    return problem;
  }
}
