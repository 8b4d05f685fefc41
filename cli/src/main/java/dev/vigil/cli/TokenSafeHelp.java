package dev.vigil.cli;

import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Usage help that never wraps inside a file name, flag or abbreviation.
 *
 * <p>Design: picocli wraps every help column with the JDK's line {@link java.text.BreakIterator},
 * which allows a break after {@code .}, {@code :} or {@code ,} even when a letter follows, so
 * {@code manifest.json.sig} could print as {@code manifest.json.} / {@code sig} and {@code e.g.} as
 * {@code e.} / {@code g.}; copying such a name out of the help then fails. Picocli's wrapping is
 * private, so instead of replacing it, the texts it wraps are disguised: every ASCII punctuation
 * mark followed by a non-blank character is swapped for a private-use character (U+E000 plus its
 * code) that the iterator treats as part of the word; after rendering, {@link #restore} swaps them
 * back in every help section ({@link #install}). A token thus breaks only at the whitespace around
 * it, as a reader expects. {@code %} stays as is (descriptions are format strings) and so does
 * {@code -}, which picocli already keeps unbroken.
 *
 * <p>The disguise is applied where picocli turns model strings into wrapped text: the command's
 * description, header and footer, the option and parameter rows, the command list and the synopsis.
 */
final class TokenSafeHelp extends Help {

  private static final char DISGUISE_BASE = '\uE000';

  TokenSafeHelp(CommandSpec spec, ColorScheme colorScheme) {
    super(spec, colorScheme);
  }

  /** Makes {@code commandLine} and every command below it render their help token-safe. */
  static void install(CommandLine commandLine) {
    commandLine.setHelpFactory(TokenSafeHelp::new);
    Map<String, CommandLine.IHelpSectionRenderer> sections = commandLine.getHelpSectionMap();
    sections.replaceAll((key, renderer) -> help -> restore(renderer.render(help)));
    commandLine.setHelpSectionMap(sections);
    commandLine.getSubcommands().values().forEach(TokenSafeHelp::install);
  }

  @Override
  public String description(Object... params) {
    return joinDisguised(commandSpec().usageMessage().description(), params);
  }

  @Override
  public String header(Object... params) {
    return joinDisguised(commandSpec().usageMessage().header(), params);
  }

  @Override
  public String footer(Object... params) {
    return joinDisguised(commandSpec().usageMessage().footer(), params);
  }

  @Override
  public IOptionRenderer createDefaultOptionRenderer() {
    IOptionRenderer rows = super.createDefaultOptionRenderer();
    return (option, labels, scheme) -> disguise(rows.render(option, labels, scheme));
  }

  @Override
  public IParameterRenderer createDefaultParameterRenderer() {
    IParameterRenderer rows = super.createDefaultParameterRenderer();
    return (parameter, labels, scheme) -> disguise(rows.render(parameter, labels, scheme));
  }

  @Override
  protected String insertSynopsisCommandName(int synopsisHeadingLength, Text synopsis) {
    return super.insertSynopsisCommandName(synopsisHeadingLength, disguise(synopsis));
  }

  /**
   * Picocli's own command list (a name column, then the first line of each command's header or
   * description), with the summaries disguised: picocli builds this table in one private step.
   */
  @Override
  public String commandList(Map<String, Help> subcommands) {
    if (subcommands.isEmpty()) {
      return "";
    }
    UsageMessageSpec usage = commandSpec().usageMessage();
    int width = usage.width();
    int nameWidth =
        Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
    TextTable table =
        TextTable.forColumns(
            colorScheme(),
            new Column(nameWidth + 2, 2, Overflow.SPAN),
            new Column(width - (nameWidth + 2), 2, Overflow.WRAP));
    table.setAdjustLineBreaksForWideCJKCharacters(usage.adjustLineBreaksForWideCJKCharacters());
    for (Help command : subcommands.values()) {
      UsageMessageSpec commandUsage = command.commandSpec().usageMessage();
      String summary =
          commandUsage.header().length > 0
              ? commandUsage.header()[0]
              : commandUsage.description().length > 0 ? commandUsage.description()[0] : "";
      Text[] lines = colorScheme().text(String.format(summary)).splitLines();
      for (int i = 0; i < lines.length; i++) {
        Text name = i == 0 ? command.commandNamesText(", ") : colorScheme().text("");
        table.addRowValues(name, disguise(lines[i]));
      }
    }
    return table.toString();
  }

  /** Puts back the punctuation {@link #disguise} hid. */
  static String restore(String rendered) {
    if (rendered == null) {
      return null;
    }
    char[] chars = rendered.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] > DISGUISE_BASE && chars[i] <= DISGUISE_BASE + '~') {
        chars[i] = (char) (chars[i] - DISGUISE_BASE);
      }
    }
    return new String(chars);
  }

  private String joinDisguised(String[] paragraphs, Object... params) {
    String[] disguised =
        Arrays.stream(paragraphs).map(TokenSafeHelp::disguise).toArray(String[]::new);
    UsageMessageSpec usage = commandSpec().usageMessage();
    return join(
            ansi(),
            usage.width(),
            usage.adjustLineBreaksForWideCJKCharacters(),
            disguised,
            new StringBuilder(),
            params)
        .toString();
  }

  private static Text[][] disguise(Text[][] rows) {
    for (Text[] row : rows) {
      for (int column = 0; column < row.length; column++) {
        row[column] = disguise(row[column]);
      }
    }
    return rows;
  }

  /** The text with its in-word punctuation disguised, keeping its styles. */
  private static Text disguise(Text text) {
    String plain = text.plainString();
    Text result = null;
    int from = 0;
    for (int i = 0; i < plain.length(); i++) {
      if (isInWordPunctuation(plain, i)) {
        Text piece = text.substring(from, i).concat(String.valueOf(disguised(plain.charAt(i))));
        result = result == null ? piece : result.concat(piece);
        from = i + 1;
      }
    }
    return result == null ? text : result.concat(text.substring(from));
  }

  private static String disguise(String text) {
    StringBuilder result = new StringBuilder(text);
    for (int i = 0; i < text.length(); i++) {
      if (isInWordPunctuation(text, i)) {
        result.setCharAt(i, disguised(text.charAt(i)));
      }
    }
    return result.toString();
  }

  private static boolean isInWordPunctuation(String text, int i) {
    char c = text.charAt(i);
    boolean punctuation = c > ' ' && c <= '~' && !Character.isLetterOrDigit(c);
    return punctuation
        && c != '%'
        && c != '-'
        && i + 1 < text.length()
        && !Character.isWhitespace(text.charAt(i + 1));
  }

  private static char disguised(char punctuation) {
    return (char) (DISGUISE_BASE + punctuation);
  }
}
