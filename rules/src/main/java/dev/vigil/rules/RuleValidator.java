package dev.vigil.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.detect.SearchCompiler;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import dev.vigil.rules.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks rule files ({@code vigil rules validate}): the JSON Schema of the format ({@code
 * rules/schema/vigil-rule.schema.json}, shipped as {@code vigil/schema/} on the class path), then
 * the semantics the schema cannot express (condition grammar, modifiers, fields of the logsource,
 * correlation references), by compiling each file with the pack's value lists.
 */
public final class RuleValidator {

  /** The schema's class-path location. */
  public static final String SCHEMA_RESOURCE = "vigil/schema/vigil-rule.schema.json";

  private static final JsonSchema SCHEMA = loadSchema();

  /**
   * What the compiler reads as the loader passes it on, trusting the schema for its shape: a rule
   * with a schema finding in one of them is not compiled. The detection's searches, and a
   * correlation's aliases and counted field, which the loader reads as text. Not the rest of a
   * correlation, which the loader reads attribute by attribute, each with its own error; nor {@code
   * logsource}: the loader checks its shape (a map of single values), and the compiler names a
   * product or service Vigil does not know with the valid ones, the words {@code test} and {@code
   * detect} print, on the line of the schema's own finding, which that line's error then replaces.
   */
  private static final List<String> COMPILED_AS_WRITTEN =
      List.of("/detection", "/correlation/aliases", "/correlation/condition/field");

  /**
   * The outcome: file counts, every error, and every warning (a field no record of the rule's
   * logsource is known to have: the file is still valid), each in file and line order.
   */
  public record Report(int valid, int invalid, List<RuleError> errors, List<RuleError> warnings) {
    /**
     * One line per error and warning, in file and line order, then {@code N valid, M invalid}, with
     * {@code , K warnings} when there are any.
     */
    public List<String> lines() {
      List<RuleError> all = new ArrayList<>(errors);
      all.addAll(warnings);
      all.sort(RuleError.IN_FILE_ORDER);
      List<String> lines = new ArrayList<>();
      all.forEach(e -> lines.add(e.toString()));
      lines.add(
          valid + " valid, " + invalid + " invalid" + RuleError.warningsNote(warnings.size()));
      return lines;
    }

    public boolean ok() {
      return invalid == 0;
    }
  }

  private RuleValidator() {}

  /**
   * What {@code validate} reports of one rule file: its errors in line order (none: it is valid but
   * for ids and names used in other files too, which only the whole pack shows) and its warnings.
   */
  public record FileFindings(List<RuleError> errors, List<RuleError> warnings) {}

  /**
   * The errors and warnings of one rule file, as {@code validate} reports them: for {@code rules
   * test}, which cannot run the tests of a file with errors and shows these instead.
   *
   * @param context the pack the file belongs to: its value lists, and the rules its correlations
   *     reference in other files
   */
  public static FileFindings check(RulePack.Source source, RulePack context) {
    List<RuleError> warnings = new ArrayList<>();
    List<RuleError> errors = validateSource(source, context, warnings);
    warnings.sort(RuleError.IN_FILE_ORDER);
    return new FileFindings(List.copyOf(errors), List.copyOf(warnings));
  }

  /** Validates every rule file and list under the paths. */
  public static Report validate(List<Path> paths) {
    RulePack.Read read = RulePack.read(paths);
    RulePack.Loaded loaded = RulePack.loadLenient(read);
    // An id or name used in two files is an error of the pack, which no file shows on its own.
    List<RuleError> duplicates = PackCompiler.duplicates(loaded.pack());
    List<RuleError> errors = new ArrayList<>(read.unreadable());
    List<RuleError> warnings = new ArrayList<>();
    int valid = 0;
    int invalid = read.unreadable().size();
    for (RulePack.Source source : read.sources()) {
      Set<RuleError> fileErrors = new LinkedHashSet<>();
      if (source.isList()) {
        fileErrors.addAll(ofFile(loaded.errors(), source.name()));
      } else {
        fileErrors.addAll(validateSource(source, loaded.pack(), warnings));
        fileErrors.addAll(ofFile(duplicates, source.name()));
      }
      if (fileErrors.isEmpty()) {
        valid++;
      } else {
        invalid++;
        errors.addAll(fileErrors);
      }
    }
    errors.sort(RuleError.IN_FILE_ORDER);
    warnings.sort(RuleError.IN_FILE_ORDER);
    return new Report(valid, invalid, List.copyOf(errors), List.copyOf(warnings));
  }

  /**
   * Every error of one rule file: the loader's, the compiler's (for the rules whose errors, if any,
   * do not touch what it compiles), and the schema's on lines neither of them reported.
   *
   * <p>Why that order of precedence: the loader's and the compiler's messages are the ones {@code
   * vigil rules test} and {@code vigil detect} print, so the same mistake reads the same in every
   * command ({@code unknown level 'hihg' (...)}, not the schema's {@code does not have a value in
   * the enumeration}); the schema adds what they do not check (the form of tags, say). The
   * compiler's warnings for the file go to {@code warnings}.
   */
  private static List<RuleError> validateSource(
      RulePack.Source source, RulePack context, List<RuleError> warnings) {
    List<YamlDocument> documents;
    RuleLoader.Checked checked;
    try {
      documents = YamlReader.read(source.name(), source.text());
      checked = RuleLoader.check(source.name(), source.text());
    } catch (RuleException e) {
      return e.errors(); // not YAML: nothing else can be checked
    }
    List<RuleError> schema = new ArrayList<>();
    Set<Integer> shapeBroken = schemaErrors(source.name(), documents, schema);
    List<RuleError> errors = new ArrayList<>(checked.errors());
    List<RuleDocument> compilable =
        checked.checkable().documents().stream()
            .filter(document -> !shapeBroken.contains(document.meta().line()))
            .toList();
    if (!compilable.isEmpty()) {
      PackCompiler.Findings compiled =
          PackCompiler.check(context.forFile(new RuleFile(source.name(), compilable)));
      // A referenced rule of another file that does not compile is that file's error.
      errors.addAll(ofFile(compiled.errors(), source.name()));
      warnings.addAll(ofFile(compiled.warnings(), source.name()));
    }
    Set<Integer> reported = new HashSet<>();
    errors.forEach(error -> reported.add(error.line()));
    schema.stream().filter(error -> !reported.contains(error.line())).forEach(errors::add);
    errors.sort(Comparator.comparingInt(RuleError::line));
    return errors;
  }

  /**
   * The schema's errors, as {@code validate} words them, of a rule file that loads and compiles:
   * then they are all of its errors that {@code validate} shows but for ids and names used in other
   * files too. For {@code rules test}, which finds the rest itself as it loads and compiles.
   *
   * @throws RuleException when the file is not YAML
   */
  public static List<RuleError> schemaErrors(RulePack.Source source) throws RuleException {
    List<RuleError> schema = new ArrayList<>();
    schemaErrors(source.name(), YamlReader.read(source.name(), source.text()), schema);
    schema.sort(Comparator.comparingInt(RuleError::line));
    return List.copyOf(schema);
  }

  /**
   * Adds the schema's findings on each document to {@code schema} (a search of the wrong shape in
   * the compiler's words), and returns the lines of the documents with a finding in what the
   * compiler reads as written, which are not compiled.
   */
  private static Set<Integer> schemaErrors(
      String file, List<YamlDocument> documents, List<RuleError> schema) {
    Set<Integer> shapeBroken = new HashSet<>();
    for (YamlDocument document : documents) {
      List<String> mixed = searchShapes(file, document, schema);
      for (SchemaFindings.Finding finding : findings(document)) {
        if (mixed.stream()
            .anyMatch(
                search ->
                    finding.pointer().equals(search)
                        || finding.pointer().startsWith(search + "/"))) {
          continue; // said once by the compiler's words, which searchShapes added
        }
        schema.add(schemaError(file, document, finding));
        if (compiledAsWritten(finding.pointer())) {
          shapeBroken.add(document.line());
        }
      }
    }
    return shapeBroken;
  }

  /**
   * The search identifiers that mix maps and plain values or are empty (or hold an empty map), with
   * the compiler's error for each added to {@code errors}. The schema would say it twice: a mixed
   * list once per shape the list is not (a list of maps, a list of values), at items the author did
   * not get wrong; an empty map as too few properties and as not one of the other shapes. The
   * compiler says it once (a mixed list at the first item of the other kind), as {@code test} and
   * {@code detect} print it.
   */
  private static List<String> searchShapes(
      String file, YamlDocument document, List<RuleError> errors) {
    JsonNode detection = document.root().path("detection");
    List<String> mixed = new ArrayList<>();
    if (!detection.isObject()) {
      return mixed;
    }
    detection
        .fields()
        .forEachRemaining(
            search -> {
              if (search.getKey().equals("condition")) {
                return;
              }
              String pointer = YamlDocument.child("/detection", search.getKey());
              int item = SearchCompiler.firstOtherItem(search.getValue());
              String empty = SearchCompiler.emptySearch(search.getKey(), search.getValue());
              int emptyMap = SearchCompiler.firstEmptyMap(search.getValue());
              if (item >= 0) {
                mixed.add(pointer);
                errors.add(
                    new RuleError(
                        file,
                        document.lineOf(YamlDocument.child(pointer, item)),
                        SearchCompiler.mixesMapsAndPlainValues(search.getKey())));
              } else if (empty != null) {
                mixed.add(pointer);
                errors.add(new RuleError(file, document.lineOf(pointer), empty));
              } else if (emptyMap >= 0) {
                mixed.add(pointer);
                errors.add(
                    new RuleError(
                        file,
                        document.lineOf(YamlDocument.child(pointer, emptyMap)),
                        SearchCompiler.emptySearch(
                            search.getKey(), search.getValue().get(emptyMap))));
              }
            });
    return mixed;
  }

  private static boolean compiledAsWritten(String pointer) {
    return COMPILED_AS_WRITTEN.stream()
        .anyMatch(prefix -> pointer.equals(prefix) || pointer.startsWith(prefix + "/"));
  }

  private static List<RuleError> ofFile(List<RuleError> errors, String file) {
    return errors.stream().filter(error -> error.file().equals(file)).toList();
  }

  private static List<SchemaFindings.Finding> findings(YamlDocument document) {
    return SchemaFindings.of(SCHEMA.validate(document.root()));
  }

  private static RuleError schemaError(
      String file, YamlDocument document, SchemaFindings.Finding finding) {
    String pointer = finding.pointer();
    String where = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ": ";
    String text = finding.text();
    if (finding.keyword().equals("pattern")) {
      text = patternInWords(pointer, document.root().at(pointer).asText(), text);
    }
    return new RuleError(file, document.lineOf(pointer), "schema: " + where + text);
  }

  private static final Pattern TAG = Pattern.compile("[a-z0-9_-]+\\.[a-z0-9._-]+");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  /**
   * A value that does not match its pattern, said as what it should be and how to write it: the
   * validator names only the regex ({@code does not match the regex pattern ^[a-z0-9_-]+...}). The
   * patterns the loader and the compiler do not check themselves: tags and names.
   */
  private static String patternInWords(String pointer, String value, String otherwise) {
    if (pointer.matches("/tags/\\d+")) {
      String lower = value.toLowerCase(Locale.ROOT);
      return "'"
          + value
          + "' is not a Sigma tag (namespace.name in lower case, such as attack.t1485)"
          + (TAG.matcher(lower).matches() ? ": write " + lower : "");
    }
    if (pointer.equals("/name")) {
      String fixed = value.trim().replaceAll("[^A-Za-z0-9_.-]+", "_");
      return "'"
          + value
          + "' is not a rule name (letters, digits, '_', '.' and '-')"
          + (NAME.matcher(fixed).matches() ? ": write " + fixed : "");
    }
    return otherwise;
  }

  private static JsonSchema loadSchema() {
    try (InputStream in =
        RuleValidator.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the class path");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
