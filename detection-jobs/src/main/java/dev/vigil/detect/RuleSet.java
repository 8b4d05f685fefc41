package dev.vigil.detect;

import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.PackCompiler;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules a job runs, in a form that travels with the job graph: the text of the rule files, read
 * where the job is submitted, whether they are the built-in pack or a rule directory (task managers
 * do not see that machine's rule directory).
 *
 * <p>The built-in pack travels as text too, though every job jar carries it: task managers then
 * never read rule files from the jar. Reading it there went through a zip file system shared by the
 * whole JVM, which a task interrupted during a failover closed for every later restart.
 *
 * <p>Design: {@link #compiled()} compiles once per JVM and content, so the operators of every
 * subtask in one task manager (or the whole embedded MiniCluster) share one {@link CompiledPack},
 * which is immutable and made to be deployed by many engines.
 */
public final class RuleSet implements Serializable {

  private static final long serialVersionUID = 2L;
  private static final Map<String, CompiledPack> COMPILED = new ConcurrentHashMap<>();

  private final ArrayList<SourceText> sources;
  private final boolean builtIn;
  private final String fingerprint;

  private record SourceText(String name, String text, boolean isList) implements Serializable {}

  private RuleSet(List<RulePack.Source> read, boolean builtIn) {
    ArrayList<SourceText> texts = new ArrayList<>(read.size());
    MessageDigest digest = sha256();
    for (RulePack.Source source : read) {
      texts.add(new SourceText(source.name(), source.text(), source.isList()));
      digest.update(source.name().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(source.text().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) (source.isList() ? 1 : 0));
    }
    this.sources = texts;
    this.builtIn = builtIn;
    this.fingerprint = HexFormat.of().formatHex(digest.digest());
  }

  /** The built-in pack, read now from this process's class path. */
  public static RuleSet builtIn() {
    return new RuleSet(RulePack.builtInSources(), true);
  }

  /**
   * The rule files and lists under the given directories or files, checked now: a rule that does
   * not load or compile fails here, on the submitting side, with every error of every file.
   */
  public static RuleSet load(List<Path> roots) throws RuleException {
    RuleSet set = new RuleSet(RulePack.sources(roots), false);
    set.compiled();
    return set;
  }

  /** The pack, parsed. */
  public RulePack pack() throws RuleException {
    List<RulePack.Source> list = new ArrayList<>(sources.size());
    sources.forEach(s -> list.add(new RulePack.Source(s.name(), s.text(), s.isList())));
    RulePack.Loaded loaded = RulePack.loadSources(list);
    if (!loaded.errors().isEmpty()) {
      throw new RuleException(loaded.errors());
    }
    return loaded.pack();
  }

  /** The pack compiled, shared by every caller in this JVM. */
  public CompiledPack compiled() throws RuleException {
    CompiledPack cached = COMPILED.get(fingerprint);
    if (cached != null) {
      return cached;
    }
    synchronized (COMPILED) {
      cached = COMPILED.get(fingerprint);
      if (cached == null) {
        cached = PackCompiler.compile(pack());
        COMPILED.put(fingerprint, cached);
      }
      return cached;
    }
  }

  /** Identifies the content: two sets with the same fingerprint hold the same rules. */
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public String toString() {
    return builtIn ? "the built-in pack" : sources.size() + " rule files";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
