package dev.vigil.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rule file (or a pack) that cannot be loaded or compiled, with every problem found. */
public final class RuleException extends Exception {

  private final List<RuleError> errors;

  public RuleException(List<RuleError> errors) {
    super(errors.stream().map(RuleError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public RuleException(RuleError error) {
    this(List.of(error));
  }

  public List<RuleError> errors() {
    return errors;
  }
}
