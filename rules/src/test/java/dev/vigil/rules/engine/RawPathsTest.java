package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.Rules;
import dev.vigil.rules.model.RuleFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Raw fields read from the pruned parse are those of the whole tree. */
class RawPathsTest {

  /** A pack that reads no raw path: its events read every path from the whole tree. */
  private static CompiledPack canonicalOnly() throws Exception {
    return Rules.compile(
        "title: t\nid: 11111111-1111-4111-8111-111111111111\n"
            + "detection:\n  sel:\n    operation: x\n  condition: sel\n");
  }

  @Test
  void keysInAnyCaseDottedKeysArraysAndDuplicatesReadAsFromTheWholeTree() throws Exception {
    CompiledPack pack =
        Rules.compile(
            "title: t\nid: 11111111-1111-4111-8111-111111111111\n"
                + "logsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n"
                + "    resultDescription: a\n    claims.http://x/name: b\n    items.name: c\n"
                + "    dup: d\n    obj|contains: e\n    list: f\n    absent.path: g\n"
                + "  condition: 1 of sel\n");
    assertThat(pack.rawPaths().paths())
        .contains("resultDescription", "claims.http://x/name", "items.name", "obj");
    String raw =
        "{\"Resultdescription\":\"A\",\"skipped\":{\"deep\":[1,{\"x\":2}]},"
            + "\"claims\":{\"http://x/name\":\"B\",\"http://x/other\":1},"
            + "\"items\":[{\"name\":\"c1\"},{\"other\":1},[{\"NAME\":\"c2\"}],null,3],"
            + "\"dup\":\"first\",\"obj\":{\"k\":[1,2.50,1e2,null,true]},\"dup\":\"second\","
            + "\"list\":[\"f\",null],\"absent\":{}}";
    AuditEvent event =
        Rules.event("{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"x\",\"raw\":" + raw + "}");
    CompiledPack whole = canonicalOnly();
    for (String path : pack.rawPaths().paths()) {
      assertThat(pack.rawPaths().covers(path)).isTrue();
      assertThat(whole.rawPaths().covers(path)).isFalse();
      assertThat(VigilEvent.standalone(event, pack).rawValue(path))
          .as(path)
          .isEqualTo(VigilEvent.standalone(event, whole).rawValue(path));
    }
  }

  @Test
  void overTheCorpusEveryPathOfThePackReadsAsFromTheWholeTree() throws Exception {
    List<RuleFile> files = new ArrayList<>(RulePack.builtIn().files());
    files.addAll(RulePack.load(List.of(Rules.upstreamSigmaDir())).files());
    CompiledPack pack = PackCompiler.compile(new RulePack(files, RulePack.builtIn().lists()));
    CompiledPack whole = canonicalOnly();
    Normalizer normalizer = Normalizer.create();
    long present = 0;
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      for (Path file : CorpusRun.files(folder)) {
        for (AuditEvent event : CorpusRun.normalize(file, normalizer).events()) {
          VigilEvent pruned = VigilEvent.standalone(event, pack);
          VigilEvent full = VigilEvent.standalone(event, whole);
          for (String path : pack.rawPaths().paths()) {
            Object value = pruned.rawValue(path);
            assertThat(value).as(path).isEqualTo(full.rawValue(path));
            present += value == VigilEvent.ABSENT ? 0 : 1;
          }
        }
      }
    }
    assertThat(present).isPositive();
  }
}
