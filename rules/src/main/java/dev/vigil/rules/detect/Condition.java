package dev.vigil.rules.detect;

/** A parsed Sigma condition, before its identifier patterns are resolved against the detection. */
public sealed interface Condition {

  /** A search identifier. */
  record Ref(String name) implements Condition {}

  record And(Condition left, Condition right) implements Condition {}

  record Or(Condition left, Condition right) implements Condition {}

  record Not(Condition operand) implements Condition {}

  /**
   * {@code 1 of pattern} ({@code all} false) or {@code all of pattern} ({@code all} true); the
   * pattern {@code them} means every identifier that does not start with {@code _}.
   */
  record Quantified(boolean all, String pattern) implements Condition {}
}
