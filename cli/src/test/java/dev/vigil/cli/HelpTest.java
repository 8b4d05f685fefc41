package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code --help} prints reads as prose: whole sentences, wrapped by picocli, not by hand. */
class HelpTest {

  @TempDir Path dir;

  @Test
  void everyCommandListedInItsParentsHelpHasAWholeSentence() {
    CommandLine root = VigilCommand.commandLine(environment());
    List<CommandLine> parents = new ArrayList<>();
    collectParents(root, parents);

    for (CommandLine parent : parents) {
      for (CommandLine sub : parent.getSubcommands().values()) {
        String[] description = sub.getCommandSpec().usageMessage().description();
        assertThat(description)
            .as("description of %s", sub.getCommandSpec().qualifiedName())
            .isNotEmpty();
        // The parent's command list shows only the first string: it must say it all.
        assertThat(description[0])
            .as("the line of %s in '%s --help'", sub.getCommandName(), parent.getCommandName())
            .endsWith(".");
      }
    }
  }

  @Test
  void descriptionsAreNotWrappedByHand() {
    CommandLine root = VigilCommand.commandLine(environment());
    List<CommandLine> all = new ArrayList<>();
    collectAll(root, all);

    for (CommandLine command : all) {
      for (String paragraph : command.getCommandSpec().usageMessage().description()) {
        // A paragraph cut mid-sentence, re-wrapped by picocli, prints as ragged short lines.
        assertThat(paragraph.isEmpty() || paragraph.endsWith(".") || paragraph.endsWith(":"))
            .as("%s: %s", command.getCommandSpec().qualifiedName(), paragraph)
            .isTrue();
      }
      command.getCommandSpec().options().stream()
          .filter(option -> option.description().length > 1)
          .forEach(
              option ->
                  assertThat(option.description())
                      .as("%s %s", command.getCommandSpec().qualifiedName(), option.longestName())
                      .allSatisfy(line -> assertThat(line).endsWith(".")));
    }
  }

  @Test
  void noHelpLineEndsInsideAFileNameFlagOrAbbreviation() {
    Map<String, String> narrow = helpOfEveryCommand(80);
    // So wide that nothing wraps: its words are the tokens a line may not end inside.
    Map<String, String> unwrapped = helpOfEveryCommand(1000);

    for (Map.Entry<String, String> help : narrow.entrySet()) {
      Set<String> tokens = Set.copyOf(words(unwrapped.get(help.getKey())));
      List<String> lines = help.getValue().lines().toList();
      for (int i = 0; i + 1 < lines.size(); i++) {
        List<String> end = words(lines.get(i));
        List<String> next = words(lines.get(i + 1));
        if (end.isEmpty() || next.isEmpty()) {
          continue;
        }
        String last = end.get(end.size() - 1);
        String joined = last + next.get(0);
        boolean splitsAToken =
            tokens.stream().anyMatch(token -> token.startsWith(joined))
                && (!tokens.contains(last)
                    || !Character.isLetterOrDigit(last.charAt(last.length() - 1)));
        assertThat(splitsAToken)
            .as(
                "'%s --help' breaks a token across lines:%n%s%n%s",
                help.getKey(), lines.get(i), lines.get(i + 1))
            .isFalse();
      }
      assertThat(help.getValue())
          .as("%s --help", help.getKey())
          .doesNotContainPattern("[\\uE000-\\uF8FF]");
    }
    assertThat(narrow.get("vigil")).contains("manifest.json.sig");
  }

  /** Every command's usage help, rendered at {@code width} columns, by qualified name. */
  private Map<String, String> helpOfEveryCommand(int width) {
    CommandLine root = VigilCommand.commandLine(environment());
    root.setUsageHelpWidth(width);
    List<CommandLine> all = new ArrayList<>();
    collectAll(root, all);
    Map<String, String> help = new LinkedHashMap<>();
    all.forEach(
        command ->
            help.put(
                command.getCommandSpec().qualifiedName(),
                command.getUsageMessage(CommandLine.Help.Ansi.OFF)));
    return help;
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.strip().split("\\s+")).filter(word -> !word.isEmpty()).toList();
  }

  private CliEnvironment environment() {
    return new CliEnvironment(
        new ByteArrayInputStream(new byte[0]),
        new ByteArrayOutputStream(),
        new PrintWriter(new StringWriter()),
        dir,
        false,
        false,
        List.of(),
        Map.of());
  }

  private static void collectParents(CommandLine command, List<CommandLine> parents) {
    if (!command.getSubcommands().isEmpty()) {
      parents.add(command);
      command.getSubcommands().values().forEach(sub -> collectParents(sub, parents));
    }
  }

  private static void collectAll(CommandLine command, List<CommandLine> all) {
    all.add(command);
    command.getSubcommands().values().forEach(sub -> collectAll(sub, all));
  }
}
