package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.rules.detect.ConditionParser;
import dev.vigil.rules.detect.LogSources;
import dev.vigil.rules.detect.SearchCompiler;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import dev.vigil.rules.model.SigmaRule;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes what a rule author's file goes through in {@code vigil rules test} and {@code vigil
 * detect}: loading ({@link RuleLoader}) and compiling to Esper ({@link PackCompiler}, beside the
 * built-in pack, so that correlations and {@code |expand} can reach its rules and lists), and,
 * separately, the condition grammar. A mistake must come out as Vigil's own {@link RuleException}
 * whose every error names a file (this one, or a built-in one it clashes with), a line, and a
 * message with no Java exception in it; anything else thrown (a parser's exception, a stack
 * overflow, EPL that Esper refuses) is a finding.
 *
 * <p>Seeds: the built-in pack's rule files and every 40th upstream SigmaHQ cloud rule of {@code
 * ../shared/sigma}, both read when the test runs, and the files of {@code RuleFileFuzzTestInputs/}.
 * The build runs those seeds only; {@code JAZZER_FUZZ=1} fuzzes for real (docs/testing.md).
 */
@Tag("fuzz")
class RuleFileFuzzTest {

  private static final String FILE = "fuzz.yml";
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII).build();
  private static final RulePack BUILT_IN = builtIn();
  private static final List<String> FILES =
      Stream.concat(Stream.of(FILE), BUILT_IN.files().stream().map(RuleFile::file)).toList();

  /** A rule whose detection defines four searches, for conditions to combine. */
  private static final String CONDITION_RULE =
      """
      title: condition under fuzz
      id: 9b1f8a6e-3c2d-4e5f-8a7b-1c2d3e4f5a6b
      logsource:
        product: vault
      detection:
        selection:
          action: read
        selection_denied:
          denied: true
        filter_service:
          actor.type: SERVICE
        keywords_root:
          actor.root: true
        condition: %s
      """;

  static Stream<Arguments> ruleFiles() throws Exception {
    List<Arguments> seeds = new ArrayList<>();
    for (RulePack.Source source : RulePack.builtInSources()) {
      if (!source.isList()) {
        seeds.add(Arguments.of((Object) source.text().getBytes(StandardCharsets.UTF_8)));
      }
    }
    List<Path> upstream;
    try (Stream<Path> walk = Files.walk(Rules.upstreamSigmaDir())) {
      upstream = walk.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    for (int i = 0; i < upstream.size(); i += 40) {
      seeds.add(Arguments.of((Object) Files.readAllBytes(upstream.get(i))));
    }
    return seeds.stream();
  }

  @MethodSource("ruleFiles")
  @FuzzTest
  void ruleFile(@NotNull byte[] input) {
    String text = utf8(input);
    if (text == null) {
      return; // RulePack.read turns a file that is not UTF-8 into a RuleError before loading
    }
    RuleFile file;
    try {
      file = RuleLoader.load(FILE, text);
    } catch (RuleException e) {
      assertClear(e);
      return;
    }
    try {
      PackCompiler.compile(BUILT_IN.forFile(file));
    } catch (RuleException e) {
      assertClear(e);
    }
  }

  static Stream<Arguments> conditions() {
    return Stream.of(
            "selection",
            "selection and not filter_service",
            "1 of selection* and not 1 of filter_*",
            "all of them",
            "(selection or keywords_root) and not (filter_service and selection_denied)",
            "selection | count() by actor.id > 5",
            "not not selection")
        .map(condition -> Arguments.of((Object) condition.getBytes(StandardCharsets.UTF_8)));
  }

  @MethodSource("conditions")
  @FuzzTest
  void condition(@NotNull byte[] input) throws Exception {
    String condition = new String(input, StandardCharsets.UTF_8);
    try {
      ConditionParser.parse(condition);
    } catch (IllegalArgumentException e) {
      // the parser's way to say what is wrong; the compiler turns it into a RuleError
      assertThat(e.getMessage()).isNotBlank();
    }
    String yaml = CONDITION_RULE.formatted(JSON.writeValueAsString(condition));
    try {
      RuleFile file = RuleLoader.load(FILE, yaml);
      SearchCompiler.compile(
          (SigmaRule) file.documents().get(0), LogSources.builtIn(), BUILT_IN.lists());
    } catch (RuleException e) {
      assertClear(e);
    }
  }

  private static void assertClear(RuleException e) {
    assertThat(e.errors()).as("errors of a refused rule").isNotEmpty();
    for (RuleError error : e.errors()) {
      // A clash with a built-in rule the file's correlations pulled in (the same id, say) is said
      // at the built-in file's line, naming this file's.
      assertThat(error.file()).as("file of %s", error).isIn(FILES);
      assertThat(error.line()).as("line of %s", error).isNotNegative();
      assertThat(error.message())
          .as("message")
          .isNotBlank()
          .doesNotContain("Exception")
          .doesNotContain("java.")
          .doesNotContain("\tat ");
    }
  }

  private static String utf8(byte[] input) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(input)).toString();
    } catch (CharacterCodingException notUtf8) {
      return null;
    }
  }

  private static RulePack builtIn() {
    try {
      return RulePack.builtIn();
    } catch (RuleException e) {
      return fail("the built-in pack does not load: " + e.getMessage());
    }
  }
}
