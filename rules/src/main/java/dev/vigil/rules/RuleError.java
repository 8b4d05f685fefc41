package dev.vigil.rules;

/**
 * One problem in a rule file, located for its author: the file, the 1-based line (0 when the
 * problem concerns the whole file) and a message that names the feature at fault. Never quotes an
 * event value, only rule text.
 */
public record RuleError(String file, int line, String message) {

  /**
   * What the closing line of {@code rules validate} and {@code rules test} adds for warnings:
   * {@code , 2 warnings}, or nothing when there are none.
   */
  public static String warningsNote(int warnings) {
    return warnings == 0 ? "" : ", " + warnings + (warnings == 1 ? " warning" : " warnings");
  }

  /** Warnings and errors of files together, in file and line order, as the commands print them. */
  public static final java.util.Comparator<RuleError> IN_FILE_ORDER =
      java.util.Comparator.comparing(RuleError::file).thenComparingInt(RuleError::line);

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
