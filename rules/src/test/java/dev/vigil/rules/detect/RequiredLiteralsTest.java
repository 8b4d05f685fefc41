package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The literal prefilter of regex and wildcard matching: it may only reject non-matches. */
class RequiredLiteralsTest {

  @Test
  void findsTheLongestTopLevelLiteral() {
    assertThat(RequiredLiterals.of(".+:assumed-role/aws:.+")).isEqualTo(":assumed-role/aws:");
    assertThat(RequiredLiterals.of("^arn:aws:iam::\\d{12}:root$")).isEqualTo("arn:aws:iam::");
    assertThat(RequiredLiterals.of("a\\.b\\.c[0-9]+xy")).isEqualTo("a.b.c");
    assertThat(RequiredLiterals.of("(foo|bar)baz")).isEqualTo("baz");
    assertThat(RequiredLiterals.of("[)(|]{2}admin")).isEqualTo("admin");
    assertThat(RequiredLiterals.of("[]a]+abc")).isEqualTo("abc");
  }

  @Test
  void quantifiedCharactersAreNotRequired() {
    assertThat(RequiredLiterals.of("abcd?e")).isEqualTo("abc");
    assertThat(RequiredLiterals.of("abx*cd")).isEqualTo("ab");
    assertThat(RequiredLiterals.of("abcx{0,2}d")).isEqualTo("abc");
    // `+` keeps its character, but what follows may come after repeats of it.
    assertThat(RequiredLiterals.of("ab+cd")).isEqualTo("ab");
  }

  @Test
  void givesNothingWhenUnsure() {
    assertThat(RequiredLiterals.of("abc|def")).isNull();
    assertThat(RequiredLiterals.of("(?i)abc")).isNull();
    assertThat(RequiredLiterals.of("\\Qabc\\E")).isNull();
    assertThat(RequiredLiterals.of("\\x41bc")).isNull();
    assertThat(RequiredLiterals.of("(a)\\1bc")).isNull();
    assertThat(RequiredLiterals.of(".*")).isNull();
    assertThat(RequiredLiterals.of(Pattern.compile("abc", Pattern.COMMENTS))).isNull();
    assertThat(RequiredLiterals.of("ümlaut")).isEqualTo("mlaut");
  }

  @Test
  void caseInsensitiveSearchAcceptsWhatTheRegexAccepts() {
    int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    // The Kelvin sign and the long s fold to k and s only under unicode case rules.
    for (String text : List.of("xKEYx", "x\u212Aey", "ASSUME", "a\u017Fsume", "İd")) {
      for (String regex : List.of("key", "assume", "sume", "id")) {
        if (Pattern.compile(regex, flags).matcher(text).find()) {
          assertThat(RequiredLiterals.indexOf(text, regex, 0, true)).as(text).isNotNegative();
        }
      }
    }
  }

  /**
   * Every regex of the upstream rules, and a set of shapes, against texts built to match them: the
   * literal is in every text the regex finds.
   */
  @Test
  void theLiteralIsInEveryMatch() throws Exception {
    List<String> regexes =
        new ArrayList<>(
            List.of(
                ".+:assumed-role/aws:.+",
                "^(arn:aws:iam::)?\\d+:root",
                "(b|c)d+e?f",
                "z[gh]ij",
                "x[^a-z]*y\\-z\\b",
                "(?:ab)+cd.ef",
                "[a-c&&[b]]xyz?w"));
    Path sigma = Path.of(System.getProperty("vigil.shared.dir"), "sigma", "rules");
    try (Stream<Path> files = Files.walk(sigma)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        Matcher re = Pattern.compile("\\|re[^:]*:\\s*'(.*)'").matcher(Files.readString(file));
        while (re.find()) {
          regexes.add(re.group(1).replace("''", "'"));
        }
      }
    }
    Random random = new Random(7);
    for (String regex : regexes) {
      Pattern pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
      String literal = RequiredLiterals.of(pattern);
      // Texts made of pieces of the regex's own source hit its matches often.
      String source = regex.replace("\\", "") + "abcdefghij0123456789:/- ";
      String bare = regex.replaceAll("[\\\\.+*?^$()\\[\\]{}|]", "");
      int matched = 0;
      for (int i = 0; i < 50_000; i++) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(12);
        for (int p = 0; p < pieces; p++) {
          int from = random.nextInt(source.length());
          text.append(source, from, Math.min(source.length(), from + 1 + random.nextInt(4)));
        }
        if (random.nextInt(3) == 0) {
          // The regex without its operators, sometimes missing one character.
          StringBuilder near = new StringBuilder(bare);
          if (random.nextBoolean() && !near.isEmpty()) {
            near.deleteCharAt(random.nextInt(near.length()));
          }
          text.insert(random.nextInt(text.length() + 1), near);
        }
        if (pattern.matcher(text).find()) {
          matched++;
          assertThat(
                  literal == null
                      || RequiredLiterals.indexOf(text.toString(), literal, 0, true) >= 0)
              .as("%s in %s", literal, text)
              .isTrue();
        }
      }
      assertThat(matched).as(regex).isPositive();
    }
  }

  @Test
  void wildcardPatternsStillMatchWhatTheyMatched() {
    StringPattern inner = StringPattern.parse("*create*access?key*", false);
    assertThat(inner.matches("iam:CreateAccess-Key")).isTrue();
    assertThat(inner.matches("iam:CreateAccessKey")).isFalse();
    assertThat(inner.matches("accessXkey create")).isFalse();
    assertThat(inner.matchesPrepared("{\"x\":\"createaccess key\"}")).isTrue();
    StringPattern cased = StringPattern.parse("Get*Key", true);
    assertThat(cased.matches("GetAccessKey")).isTrue();
    assertThat(cased.matches("getAccessKey")).isFalse();
  }
}
