package dev.vigil.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.model.CorrelationRule;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import dev.vigil.rules.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A set of rule files and value lists, as loaded from directories, single files, or the built-in
 * pack on the class path.
 *
 * <p>Layout: rule files ({@code *.yml}, {@code *.yaml}) anywhere under a root, filed by provider
 * and service by convention ({@code vault/}, {@code aws/}, {@code azure/}, {@code gcp/}, {@code
 * any/}); value lists for {@code |expand} in a {@code lists/} directory, one list per file: {@code
 * list: <name>}, {@code description}, {@code values: [...]}. Files are read in path order, so the
 * same pack always loads the same way.
 */
public final class RulePack {

  /** Where the built-in pack lives on the class path (copied there from {@code rules/}). */
  public static final String BUILT_IN_ROOT = "vigil/pack";

  private static final String LISTS_DIR = "lists";

  /** The built-in pack's directory in the repository, which the jar's copy is named after. */
  private static final String BUILT_IN_SOURCE = "rules";

  private final List<RuleFile> files;
  private final Map<String, List<String>> lists;

  public RulePack(List<RuleFile> files, Map<String, List<String>> lists) {
    this.files = List.copyOf(files);
    this.lists = Collections.unmodifiableMap(new LinkedHashMap<>(lists));
  }

  public List<RuleFile> files() {
    return files;
  }

  /** Value lists by name, for {@code |expand}. */
  public Map<String, List<String>> lists() {
    return lists;
  }

  /**
   * One file of this pack as a pack of its own, for checking and testing it alone: the file, the
   * rules of other files that its correlations reference (a correlation may join rules of any file
   * of the pack, as {@code vigil detect} compiles them), and this pack's value lists.
   */
  public RulePack forFile(RuleFile file) {
    Set<String> own = new HashSet<>();
    Set<String> references = new HashSet<>();
    for (RuleDocument document : file.documents()) {
      own.add(document.id());
      if (document.meta().name() != null) {
        own.add(document.meta().name());
      }
      if (document instanceof CorrelationRule correlation) {
        references.addAll(correlation.rules());
      }
    }
    references.removeAll(own);
    List<RuleFile> selected = new ArrayList<>(List.of(file));
    for (RuleFile other : files) {
      if (other.file().equals(file.file())) {
        continue;
      }
      List<RuleDocument> referenced =
          other.documents().stream()
              .filter(
                  d ->
                      references.contains(d.id())
                          || (d.meta().name() != null && references.contains(d.meta().name())))
              .toList();
      if (!referenced.isEmpty()) {
        selected.add(new RuleFile(other.file(), referenced));
      }
    }
    return new RulePack(selected, lists);
  }

  /** The built-in pack shipped in this jar. */
  public static RulePack builtIn() throws RuleException {
    Loaded loaded = loadSources(builtInSources());
    if (!loaded.errors().isEmpty()) {
      throw new RuleException(loaded.errors());
    }
    return loaded.pack();
  }

  /** The built-in pack's rule documents as parsed, read on first use (see {@link #isBuiltIn}). */
  private static volatile Set<JsonNode> builtInDocuments;

  /**
   * Whether a rule document is one of the built-in pack's as shipped: a file of the pack's {@code
   * rules/} directory given among the author's paths, or a copy of it left unchanged. Compared by
   * content (the parsed document, not comments or layout), since a path does not tell: the pack's
   * directory may be given by any path, and an author's copy may sit anywhere. For messages about
   * two rules that clash (which one the author can change): the pack is read on the first call.
   */
  public static boolean isBuiltIn(RuleDocument document) {
    Set<JsonNode> known = builtInDocuments;
    if (known == null) {
      Set<JsonNode> roots = new HashSet<>();
      for (Source source : builtInSources()) {
        if (source.isList()) {
          continue;
        }
        try {
          YamlReader.read(source.name(), source.text()).forEach(doc -> roots.add(doc.root()));
        } catch (RuleException e) {
          throw new IllegalStateException("the built-in pack does not load: " + e.getMessage(), e);
        }
      }
      known = Set.copyOf(roots);
      builtInDocuments = known;
    }
    return known.contains(document.document().root());
  }

  /**
   * The files of the built-in pack, read now from the class path, named as in the repository
   * ({@code rules/any/root_token_use.yml}) and in path order, as {@link #sources} reads a
   * directory.
   *
   * <p>Design: a jar is read through a {@link ZipFile} of this call's own, closed before it
   * returns, never through the JVM-wide zip file system of {@link #builtInRoot}. That one is shared
   * by every thread of the JVM, and a thread interrupted while it reads (a Flink task cancelled in
   * a failover) closes its channel for all of them, so that every later load fails with {@code
   * ClosedChannelException}. A {@code ZipFile} reads without an interruptible channel.
   */
  public static List<Source> builtInSources() {
    URL url = builtInUrl();
    try {
      URLConnection connection = url.openConnection();
      if (connection instanceof JarURLConnection entry) {
        return jarSources(Path.of(entry.getJarFileURL().toURI()));
      }
      if (url.getProtocol().equals("file")) {
        return sources(List.of(Path.of(url.toURI())));
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read the built-in pack at " + url, e);
    } catch (RuleException e) {
      throw new IllegalStateException("the built-in pack is not UTF-8 text: " + e.getMessage(), e);
    }
    throw new IllegalStateException("cannot read the built-in pack at " + url);
  }

  private static List<Source> jarSources(Path jar) throws IOException {
    String prefix = BUILT_IN_ROOT + "/";
    List<Source> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      List<? extends ZipEntry> entries =
          zip.stream()
              .filter(e -> !e.isDirectory() && e.getName().startsWith(prefix))
              .filter(e -> isRuleFileName(e.getName().substring(prefix.length())))
              .sorted(Comparator.comparing(ZipEntry::getName))
              .toList();
      for (ZipEntry entry : entries) {
        String relative = entry.getName().substring(prefix.length());
        String display = BUILT_IN_SOURCE + "/" + relative;
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        List<RuleError> unreadable = new ArrayList<>();
        String text = utf8(display, bytes, unreadable);
        if (text == null) {
          throw new IllegalStateException(
              "the built-in pack is not UTF-8 text: " + unreadable.get(0));
        }
        boolean isList = Arrays.asList(relative.split("/")).contains(LISTS_DIR);
        out.add(new Source(display, text, isList));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether a path inside the built-in pack names a rule file or list, as {@link #ruleFiles} finds
   * them in a directory: {@code *.yml} or {@code *.yaml}, not hidden nor under a hidden directory.
   */
  private static boolean isRuleFileName(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith(".")) {
        return false;
      }
    }
    return relative.endsWith(".yml") || relative.endsWith(".yaml");
  }

  private static URL builtInUrl() {
    URL url = RulePack.class.getClassLoader().getResource(BUILT_IN_ROOT);
    if (url == null) {
      throw new IllegalStateException(BUILT_IN_ROOT + " is missing from the class path");
    }
    return url;
  }

  /**
   * Where the built-in pack lives: a directory when running from a build tree, a path inside the
   * jar otherwise. Commands that take rule paths use it when none is given. For a jar, the path is
   * on a zip file system shared by the whole JVM and left open: fine for a command, but code in a
   * long-lived process whose threads get interrupted (a Flink task) reads {@link #builtInSources}.
   */
  public static Path builtInRoot() {
    URL url = builtInUrl();
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem jar;
        try {
          jar = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          jar = FileSystems.getFileSystem(uri);
        }
        return jar.getPath(BUILT_IN_ROOT);
      }
      return Path.of(uri);
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read the built-in pack at " + url, e);
    }
  }

  /**
   * Loads every rule file and list under the given directories or files.
   *
   * @throws RuleException with every problem of every file
   */
  public static RulePack load(List<Path> roots) throws RuleException {
    Loaded loaded = loadLenient(roots);
    if (!loaded.errors().isEmpty()) {
      throw new RuleException(loaded.errors());
    }
    return loaded.pack();
  }

  /**
   * What a lenient load gives: a pack of the files that loaded, and the errors of the others.
   *
   * @param invalidFiles the files that did not load
   */
  public record Loaded(RulePack pack, List<RuleError> errors, List<String> invalidFiles) {}

  /**
   * Loads what loads: every file that parses is kept, every error is reported, a file that is not
   * UTF-8 text among them.
   */
  public static Loaded loadLenient(List<Path> roots) {
    return loadLenient(read(roots));
  }

  /** Loads what loads of files already read. */
  public static Loaded loadLenient(Read read) {
    Loaded loaded = loadSources(read.sources());
    if (read.unreadable().isEmpty()) {
      return loaded;
    }
    List<RuleError> errors = new ArrayList<>(read.unreadable());
    errors.addAll(loaded.errors());
    errors.sort(Comparator.comparing(RuleError::file).thenComparingInt(RuleError::line));
    List<String> invalid = new ArrayList<>(loaded.invalidFiles());
    read.unreadable().forEach(error -> invalid.add(error.file()));
    return new Loaded(loaded.pack(), List.copyOf(errors), List.copyOf(invalid));
  }

  /**
   * Loads what loads from files already read: a pack shipped as text to another process (the Flink
   * job's task managers do not see the rule directory of the machine that submitted it).
   */
  public static Loaded loadSources(Collection<Source> sources) {
    List<RuleError> errors = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    List<RuleFile> files = new ArrayList<>();
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (Source source : sources) {
      try {
        if (source.isList()) {
          readList(source, lists);
        } else {
          files.add(RuleLoader.load(source.name(), source.text()));
        }
      } catch (RuleException e) {
        errors.addAll(e.errors());
        invalid.add(source.name());
      }
    }
    return new Loaded(new RulePack(files, lists), List.copyOf(errors), List.copyOf(invalid));
  }

  /** One file of a pack: its display name, its text, and whether it is a value list. */
  public record Source(String name, String text, boolean isList) {}

  /**
   * The files under the roots as read: the text of each, and an error for each that is not UTF-8
   * text (a binary or Latin-1 file), which is none of the sources.
   */
  public record Read(List<Source> sources, List<RuleError> unreadable) {}

  /**
   * The files under the roots, in a stable order, read as UTF-8.
   *
   * @throws RuleException when a file is not UTF-8 text: with that error and the load errors of
   *     every other file, so that one run shows them all
   */
  public static List<Source> sources(List<Path> roots) throws RuleException {
    Read read = read(roots);
    if (!read.unreadable().isEmpty()) {
      throw new RuleException(loadLenient(read).errors());
    }
    return read.sources();
  }

  /**
   * The files under the roots, in a stable order, read as UTF-8; a file reached through two roots
   * (a directory and a file or subdirectory of it) is read once.
   *
   * <p>A directory walk skips hidden entries ({@code .git}, {@code .github/workflows/*.yml}) and,
   * in a directory holding a {@code pom.xml}, the Maven module's {@code src} and {@code target}:
   * YAML there is build configuration or a build copy of the pack, not rules. So {@code vigil rules
   * test rules/} works on the built-in pack's module directory as on any directory of rules.
   *
   * @throws RulePathException when a directory among the roots holds no rule file
   */
  public static Read read(List<Path> roots) {
    List<Source> out = new ArrayList<>();
    List<RuleError> unreadable = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    requireRuleFiles(roots);
    Path builtIn = builtInRoot();
    for (Path root : roots) {
      List<Path> paths = Files.isDirectory(root) ? ruleFiles(root) : List.of(root);
      for (Path path : paths) {
        if (!seen.add(path.toAbsolutePath().normalize())) {
          continue;
        }
        String display = displayName(root, path, builtIn);
        boolean isList = inLists(root, path);
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(path);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + display, e);
        }
        String text = utf8(display, bytes, unreadable);
        if (text != null) {
          out.add(new Source(display, text, isList));
        }
      }
    }
    return new Read(List.copyOf(out), List.copyOf(unreadable));
  }

  /**
   * How a file is named to users: as found, or for the built-in pack as it is in the repository
   * ({@code rules/any/root_token_use.yml}), the file an author opens, not the copy inside the jar
   * ({@code vigil/pack/any/...}) or the build tree.
   */
  private static String displayName(Path root, Path file, Path builtIn) {
    if (root.equals(builtIn) && file.startsWith(builtIn)) {
      StringBuilder name = new StringBuilder(BUILT_IN_SOURCE);
      builtIn.relativize(file).forEach(part -> name.append('/').append(part));
      return name.toString();
    }
    return file.normalize().toString();
  }

  /**
   * The file's text, or null when it is not UTF-8 text (then {@code unreadable} gets the line and
   * byte offset of the first byte that is not, so that an author finds the one Latin-1 letter in a
   * comment).
   */
  private static String utf8(String file, byte[] bytes, List<RuleError> unreadable) {
    try {
      return IoProblems.utf8(bytes);
    } catch (IoProblems.NotUtf8Text e) {
      unreadable.add(new RuleError(file, e.line(), e.getMessage()));
      return null;
    }
  }

  /**
   * Refuses rule paths that are almost always a mistake: a directory without any rule file or list
   * (empty, or only other files), or value lists alone with no rule file under any other path. A
   * file given by name always counts: it is read as a rule file whatever its name. Every entry that
   * takes rule paths gets this check through {@link #read}; entries that know how the user typed
   * the paths call it first, to name the flag or key with {@link RulePathException#problem()}.
   *
   * @throws RulePathException naming the first such path and what is there
   */
  public static void requireRuleFiles(List<Path> roots) {
    Path listsOnly = null;
    boolean anyRuleFile = false;
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        anyRuleFile = true;
        continue;
      }
      List<Path> found = ruleFiles(root);
      if (found.isEmpty()) {
        throw new RulePathException(root, NO_RULE_FILES + nothingThere(root));
      }
      if (found.stream().anyMatch(file -> !inLists(root, file))) {
        anyRuleFile = true;
      } else if (listsOnly == null) {
        listsOnly = root;
      }
    }
    if (!anyRuleFile && listsOnly != null) {
      throw new RulePathException(listsOnly, NO_RULE_FILES + ", only value lists (lists/)");
    }
  }

  private static final String NO_RULE_FILES = "no rule files (*.yml, *.yaml) in it";

  private static String nothingThere(Path root) {
    long others;
    try (Stream<Path> entries = Files.list(root)) {
      others = entries.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root, e);
    }
    return others == 0
        ? " (the directory is empty)"
        : ", only " + others + (others == 1 ? " other entry" : " other entries");
  }

  private static List<Path> ruleFiles(Path root) {
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              return dir.equals(root) || (!hidden(dir) && !mavenBuildDirectory(dir))
                  ? FileVisitResult.CONTINUE
                  : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              String name = file.getFileName().toString();
              if (attributes.isRegularFile()
                  && !hidden(file)
                  && (name.endsWith(".yml") || name.endsWith(".yaml"))) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(null);
    return files;
  }

  private static boolean hidden(Path path) {
    return path.getFileName() != null && path.getFileName().toString().startsWith(".");
  }

  private static boolean mavenBuildDirectory(Path dir) {
    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
    return (name.equals("src") || name.equals("target"))
        && dir.getParent() != null
        && Files.isRegularFile(dir.getParent().resolve("pom.xml"));
  }

  /** Whether a file is a value list: it sits in a {@code lists/} directory of its root. */
  private static boolean inLists(Path root, Path file) {
    Path dir = file.getParent();
    while (dir != null) {
      if (dir.getFileName() != null && dir.getFileName().toString().equals(LISTS_DIR)) {
        return true;
      }
      if (dir.equals(root) || root.equals(file)) {
        return false;
      }
      dir = dir.getParent();
    }
    return false;
  }

  private static void readList(Source source, Map<String, List<String>> lists)
      throws RuleException {
    List<YamlDocument> documents = YamlReader.read(source.name(), source.text());
    List<RuleError> errors = new ArrayList<>();
    for (YamlDocument doc : documents) {
      JsonNode root = doc.root();
      JsonNode name = root.get("list");
      JsonNode values = root.get("values");
      if (name == null
          || !name.isTextual()
          || values == null
          || !values.isArray()
          || values.isEmpty()) {
        errors.add(
            new RuleError(
                source.name(),
                doc.line(),
                "a value list needs 'list: <name>' and 'values: [...]' with at least one value"));
        continue;
      }
      if (lists.containsKey(name.asText())) {
        errors.add(
            new RuleError(
                source.name(),
                doc.lineOf("/list"),
                "the list '" + name.asText() + "' is defined twice"));
        continue;
      }
      List<String> items = new ArrayList<>();
      for (JsonNode value : values) {
        if (!value.isValueNode() || value.isNull()) {
          errors.add(
              new RuleError(
                  source.name(), doc.lineOf("/values"), "list values must be plain values"));
        } else {
          items.add(value.asText());
        }
      }
      lists.put(name.asText(), List.copyOf(items));
    }
    if (!errors.isEmpty()) {
      throw new RuleException(errors);
    }
  }
}
