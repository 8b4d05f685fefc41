package dev.vigil.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rule file (or a pack) that cannot be loaded or compiled, with every problem found. */
public final class RuleException extends Exception {

  private final List<RuleError> errors;
  private final List<RuleError> warnings;

  public RuleException(List<RuleError> errors) {
    this(errors, List.of());
  }

  /**
   * With the warnings found alongside the errors (a field no record of the logsource has), so that
   * {@code rules validate} shows every finding of one run, not only the errors.
   */
  public RuleException(List<RuleError> errors, List<RuleError> warnings) {
    super(errors.stream().map(RuleError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
    this.warnings = List.copyOf(warnings);
  }

  public RuleException(RuleError error) {
    this(List.of(error));
  }

  public List<RuleError> errors() {
    return errors;
  }

  /** Warnings found before or beside the errors (empty for most causes). */
  public List<RuleError> warnings() {
    return warnings;
  }
}
