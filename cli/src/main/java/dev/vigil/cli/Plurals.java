package dev.vigil.cli;

/**
 * Counts as people write them in the summaries: {@code 1 record}, {@code 0 records}, {@code 2
 * records}. Every user-facing count goes through here, so no summary line says "1 records".
 */
final class Plurals {

  private Plurals() {}

  /** {@code n} and the noun, adding "s" unless {@code n} is 1: {@code count(1, "alert")}. */
  static String count(long n, String singular) {
    return n + " " + noun(n, singular);
  }

  /** {@code n} and the noun, for nouns whose plural is not an added "s" ("index", "indices"). */
  static String count(long n, String singular, String plural) {
    return n + " " + noun(n, singular, plural);
  }

  /** The noun alone, for a number formatted by the caller (with digit grouping, say). */
  static String noun(long n, String singular) {
    return noun(n, singular, singular + "s");
  }

  static String noun(long n, String singular, String plural) {
    return n == 1 ? singular : plural;
  }
}
