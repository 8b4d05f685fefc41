package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parsers' lookup-cache keys, hashed for every record on a task manager, write out equals and
 * hashCode: on JDK 17 the generated ones (bootstrapped by {@code java.lang.runtime.ObjectMethods})
 * keep a Flink job's class loader alive after the job ends (JDK-8078641). The parsers' own tests
 * cover that the cache still finds what it stored.
 */
class CacheKeyRecordsTest {

  private static final List<String> CACHE_KEYS =
      List.of(
          "dev.vigil.ingest.vault.VaultParser$MatchKey",
          "dev.vigil.ingest.azure.AzureMonitorParser$LookupKey",
          "dev.vigil.ingest.gcp.GcpAuditParser$OperationKey");

  @Test
  void noneUsesTheGeneratedRecordMethods() throws IOException, ClassNotFoundException {
    for (String name : CACHE_KEYS) {
      Class<?> type = Class.forName(name);
      assertThat(type.isRecord()).as(name).isTrue();
      assertThat(classFile(type)).as(name).doesNotContain("java/lang/runtime/ObjectMethods");
    }
  }

  private static String classFile(Class<?> type) throws IOException {
    String resource = type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
