package dev.vigil.rules;

/**
 * One problem in a rule file, located for its author: the file, the 1-based line (0 when the
 * problem concerns the whole file) and a message that names the feature at fault. Never quotes an
 * event value, only rule text.
 */
public record RuleError(String file, int line, String message) {

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
