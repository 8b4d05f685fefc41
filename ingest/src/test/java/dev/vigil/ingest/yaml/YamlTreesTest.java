package dev.vigil.ingest.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTreesTest {

  private static List<YamlTrees.Problem> problems(String yaml) {
    try {
      YamlTrees.read(yaml);
    } catch (YamlTrees.InvalidYamlException e) {
      return e.problems();
    }
    throw new AssertionError("read without a problem: " + yaml);
  }

  @Test
  void anAliasOfAMappingIsNamedByItsLineInWordsNotTheParsersLimit() {
    assertThat(problems("job: &defaults\n  name: a\nrules: *defaults\n"))
        .containsExactly(
            new YamlTrees.Problem(
                3,
                "YAML aliases are not accepted (*defaults); write the value out where it is"
                    + " used"));
  }

  @Test
  void anAliasOfAScalarIsRefusedToo() {
    assertThat(problems("kafka:\n  group_id: &id vigil\n  client_id_prefix: *id\n"))
        .containsExactly(
            new YamlTrees.Problem(
                3, "YAML aliases are not accepted (*id); write the value out where it is used"));
  }

  @Test
  void aValueStartingWithAStarIsNotQuotedBackSinceItMayBeASecret() {
    assertThat(problems("opensearch:\n  password: *PLAINTEXT-SECRET\n"))
        .containsExactly(
            new YamlTrees.Problem(
                2, "an unquoted value starting with '*' reads as a YAML alias; quote the value"));
  }

  @Test
  void aSyntaxErrorBeforeAnAliasIsReportedAsSuch() {
    assertThat(problems("a: b: c\nd: *x\n")).hasSize(1);
    assertThat(problems("a: b: c\nd: *x\n").get(0).message()).startsWith("invalid YAML: ");
  }

  @Test
  void aDocumentWithoutAliasesReadsWithItsLines() throws Exception {
    List<YamlDocument> documents = YamlTrees.read("job:\n  name: a\n---\nb: 2\n");
    assertThat(documents).hasSize(2);
    assertThat(documents.get(0).root().path("job").path("name").asText()).isEqualTo("a");
    assertThat(documents.get(1).line()).isEqualTo(4);
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> YamlTrees.read("a: 1\na: 2\n"))
        .isInstanceOf(YamlTrees.InvalidYamlException.class)
        .hasMessage("duplicate key 'a' (YAML keeps only one of them)");
  }

  @Test
  void aBooleanWrittenAsAYaml11WordIsReadAsOneAndRemembered() throws Exception {
    YamlDocument document =
        YamlTrees.read("a: No\nb: 'No'\nc: true\nd: [ON, y, off]\ne: {f: Yes}\n").get(0);

    // Read as YAML 1.1 (and PyYAML) reads them: the words are booleans, y and quoted words text.
    assertThat(document.root().path("a").isBoolean()).isTrue();
    assertThat(document.root().path("a").asBoolean()).isFalse();
    assertThat(document.root().path("b").asText()).isEqualTo("No");
    assertThat(document.root().path("d").path(0).asBoolean()).isTrue();
    assertThat(document.root().path("d").path(1).asText()).isEqualTo("y");
    assertThat(document.wordBooleans())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("/a", "No", "/d/0", "ON", "/d/2", "off", "/e/f", "Yes"));
  }
}
