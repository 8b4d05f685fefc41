package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/kafka.md's list of tests is where an operator or a reviewer learns what the continuous job
 * is tested for: it names every test of this package, and every test it names exists.
 */
class KafkaDocsTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern TEST_NAME = Pattern.compile("`(\\w+(?:Test|ITCase|Benchmark))`");

  @Test
  void theListOfTestsNamesEveryTestOfThisPackage() throws IOException {
    String tests = testsSection();
    Set<String> missing = new TreeSet<>();
    try (Stream<Path> files =
        Files.list(ROOT.resolve("detection-jobs/src/test/java/dev/vigil/detect/kafka"))) {
      files
          .map(file -> file.getFileName().toString().replaceFirst("\\.java$", ""))
          .filter(name -> name.matches("\\w+(Test|ITCase|Benchmark)"))
          .filter(name -> !tests.contains("`" + name + "`"))
          .forEach(missing::add);
    }
    assertThat(missing).as("tests docs/kafka.md does not name").isEmpty();
  }

  @Test
  void everyTestTheListNamesExists() throws IOException {
    Set<String> existing = new TreeSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(file -> file.toString().contains("/src/test/java/"))
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".java"))
          .forEach(name -> existing.add(name.replaceFirst("\\.java$", "")));
    }
    Set<String> unknown = new TreeSet<>();
    Matcher named = TEST_NAME.matcher(testsSection());
    while (named.find()) {
      if (!existing.contains(named.group(1))) {
        unknown.add(named.group(1));
      }
    }
    assertThat(unknown).as("tests docs/kafka.md names that do not exist").isEmpty();
  }

  private static String testsSection() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/kafka.md"));
    int start = doc.indexOf("\n## Tests\n");
    assertThat(start).as("docs/kafka.md has a Tests section").isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    return end < 0 ? doc.substring(start) : doc.substring(start, end);
  }
}
