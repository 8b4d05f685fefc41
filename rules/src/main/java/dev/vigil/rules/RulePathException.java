package dev.vigil.rules;

import java.nio.file.Path;

/**
 * A rule path that yields no rule file: an empty directory, or one holding only other files or
 * value lists. Almost always a wrong path, so it fails instead of running with no rules.
 *
 * <p>The message is the path as the loader was given it and what was there ({@code my-rules: no
 * rule files (*.yml, *.yaml) in it}); an entry that knows how the user typed the path (a flag, a
 * vigil.yaml key) names that with {@link #problem()}.
 */
public final class RulePathException extends IllegalArgumentException {

  private final transient Path path;
  private final String problem;

  RulePathException(Path path, String problem) {
    super(path + ": " + problem);
    this.path = path;
    this.problem = problem;
  }

  /** The path as the loader was given it. */
  public Path path() {
    return path;
  }

  /** What was there, e.g. {@code no rule files (*.yml, *.yaml) in it}. */
  public String problem() {
    return problem;
  }
}
