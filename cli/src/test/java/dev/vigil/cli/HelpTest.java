package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
