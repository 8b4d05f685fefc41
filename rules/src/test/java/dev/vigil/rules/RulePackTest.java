package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulePackTest {

  @TempDir Path dir;

  private void write(String relative, String text) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private List<String> names(List<Path> roots) throws RuleException {
    return RulePack.sources(roots).stream()
        .map(source -> dir.relativize(Path.of(source.name())).toString())
        .toList();
  }

  @Test
  void aMavenModuleOfRulesIsReadWithoutItsSourcesBuildOutputOrHiddenFiles() throws Exception {
    write("pom.xml", "<project/>");
    write("vault/rule.yml", "title: r\n");
    write("lists/admins.yml", "list: admins\n");
    write("src/main/resources/vigil/logsources.yml", "logsources: {}\n");
    write("target/classes/vigil/pack/vault/rule.yml", "title: r\n");
    write(".github/workflows/ci.yml", "on: push\n");
    write("vault/.rule.yml.swp.yml", "x\n");

    assertThat(names(List.of(dir))).containsExactly("lists/admins.yml", "vault/rule.yml");
  }

  @Test
  void directoriesNamedSrcOrTargetOutsideAMavenModuleAreRules() throws Exception {
    write("target/rule.yml", "title: r\n");
    write("src/rule.yml", "title: r\n");

    assertThat(names(List.of(dir))).containsExactly("src/rule.yml", "target/rule.yml");
  }

  @Test
  void aFileReachedThroughTwoPathsIsReadOnce() throws Exception {
    write("vault/rule.yml", "title: r\n");
    write("aws/rule.yml", "title: r\n");

    assertThat(
            names(
                List.of(
                    dir.resolve("vault/rule.yml"),
                    dir,
                    dir.resolve("vault"),
                    dir.resolve("./aws/../vault/rule.yml"))))
        .containsExactly("vault/rule.yml", "aws/rule.yml");
  }

  @Test
  void fileNamesAreShownWithoutDotSegments() throws Exception {
    write("vault/rule.yml", "title: r\n");

    assertThat(RulePack.sources(List.of(dir.resolve("."))))
        .extracting(RulePack.Source::name)
        .containsExactly(dir.resolve("vault/rule.yml").toString());
  }

  @Test
  void aDirectoryWithoutRuleFilesIsAnErrorNamingWhatIsThere() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    write("notes/readme.txt", "not a rule\n");
    write("only-lists/lists/admins.yml", "list: admins\nvalues: [root]\n");

    assertThatThrownBy(() -> RulePack.sources(List.of(empty)))
        .isInstanceOf(RulePathException.class)
        .hasMessage(empty + ": no rule files (*.yml, *.yaml) in it (the directory is empty)");
    assertThatThrownBy(() -> RulePack.read(List.of(dir.resolve("notes"))))
        .hasMessage(
            dir.resolve("notes") + ": no rule files (*.yml, *.yaml) in it, only 1 other entry");
    assertThatThrownBy(() -> RulePack.read(List.of(dir.resolve("only-lists"))))
        .isInstanceOfSatisfying(
            RulePathException.class,
            e ->
                assertThat(e.problem())
                    .isEqualTo("no rule files (*.yml, *.yaml) in it, only value lists (lists/)"));
  }

  @Test
  void listsBesideRuleFilesAndAFileGivenByNameAreRulePaths() throws Exception {
    write("vault/rule.yml", "title: r\n");
    write("lists/admins.yml", "list: admins\nvalues: [root]\n");
    write("notes.txt", "title: r\n");
    Files.createDirectories(dir.resolve("empty"));

    RulePack.requireRuleFiles(List.of(dir.resolve("vault"), dir.resolve("lists")));
    RulePack.requireRuleFiles(List.of(dir.resolve("notes.txt")));
    RulePack.requireRuleFiles(List.of(RulePack.builtInRoot()));
    assertThatThrownBy(
            () -> RulePack.requireRuleFiles(List.of(dir.resolve("vault"), dir.resolve("empty"))))
        .isInstanceOf(RulePathException.class);
  }

  @Test
  void builtInRulesAreNamedByTheirPathInTheRepository() throws Exception {
    assertThat(RulePack.builtIn().files())
        .extracting(file -> file.file())
        .contains("rules/any/root_token_use.yml")
        .allMatch(name -> name.startsWith("rules/"));
  }
}
