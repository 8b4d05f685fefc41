package dev.vigil.rules;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import dev.vigil.rules.yaml.YamlDocument;
import dev.vigil.rules.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

  /** The outcome: file counts and every error, in file and line order. */
  public record Report(int valid, int invalid, List<RuleError> errors) {
    /** One line per error, then {@code N valid, M invalid}. */
    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      errors.forEach(e -> lines.add(e.toString()));
      lines.add(valid + " valid, " + invalid + " invalid");
      return lines;
    }

    public boolean ok() {
      return invalid == 0;
    }
  }

  private RuleValidator() {}

  /** Validates every rule file and list under the paths. */
  public static Report validate(List<Path> paths) {
    RulePack.Loaded loaded = RulePack.loadLenient(paths);
    // An id or name used in two files is an error of the pack, which no file shows on its own.
    List<RuleError> duplicates = PackCompiler.duplicates(loaded.pack());
    List<RuleError> errors = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    for (RulePack.Source source : RulePack.sources(paths)) {
      Set<RuleError> fileErrors = new LinkedHashSet<>();
      if (source.isList()) {
        fileErrors.addAll(ofFile(loaded.errors(), source.name()));
      } else {
        fileErrors.addAll(validateSource(source, loaded.pack()));
        fileErrors.addAll(ofFile(duplicates, source.name()));
      }
      if (fileErrors.isEmpty()) {
        valid++;
      } else {
        invalid++;
        errors.addAll(fileErrors);
      }
    }
    errors.sort(Comparator.comparing(RuleError::file).thenComparingInt(RuleError::line));
    return new Report(valid, invalid, List.copyOf(errors));
  }

  /** Schema, then semantic, errors of one rule file; empty when it is valid. */
  public static List<RuleError> validateText(String file, String text, RulePack context) {
    return validateSource(new RulePack.Source(file, text, false), context);
  }

  private static List<RuleError> validateSource(RulePack.Source source, RulePack context) {
    List<RuleError> errors = new ArrayList<>();
    try {
      for (YamlDocument document : YamlReader.read(source.name(), source.text())) {
        errors.addAll(schemaErrors(source.name(), document));
      }
      if (!errors.isEmpty()) {
        return errors;
      }
      RuleFile file = RuleLoader.load(source.name(), source.text());
      try {
        PackCompiler.compile(context.forFile(file));
      } catch (RuleException e) {
        // A referenced rule of another file that does not compile is that file's error.
        errors.addAll(ofFile(e.errors(), source.name()));
      }
    } catch (RuleException e) {
      errors.addAll(e.errors());
    }
    return errors;
  }

  private static List<RuleError> ofFile(List<RuleError> errors, String file) {
    return errors.stream().filter(error -> error.file().equals(file)).toList();
  }

  /** The schema's findings for one document, located by line. */
  public static List<RuleError> schemaErrors(String file, YamlDocument document) {
    List<RuleError> errors = new ArrayList<>();
    for (SchemaFindings.Finding finding : SchemaFindings.of(SCHEMA.validate(document.root()))) {
      String pointer = finding.pointer();
      String where = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ": ";
      errors.add(
          new RuleError(file, document.lineOf(pointer), "schema: " + where + finding.text()));
    }
    errors.sort(Comparator.comparingInt(RuleError::line));
    return errors;
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
