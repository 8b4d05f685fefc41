package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.azure.AzureMonitorParser;
import dev.vigil.ingest.cloudtrail.CloudTrailParser;
import dev.vigil.ingest.gcp.GcpAuditParser;
import dev.vigil.ingest.vault.VaultParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SourceParser#recognizesKey} is a promise detection relies on: a record none of whose keys
 * a parser claims scores 0 with it. Checked for every parser against every corpus record of every
 * source, and against each of their top-level members alone (a record of one key is where a key
 * missing from a claim list would show).
 */
class RecognizedKeysTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<SourceParser> PARSERS =
      List.of(
          new VaultParser(),
          new CloudTrailParser(),
          new AzureMonitorParser(),
          new GcpAuditParser());

  @Test
  void aParserScoresZeroOnRecordsWithoutAKeyItClaims() throws IOException {
    List<ObjectNode> records = corpusRecords();
    assertThat(records).hasSizeGreaterThan(1000);
    int[] skipped = new int[PARSERS.size()];
    int[] claimed = new int[PARSERS.size()];
    for (ObjectNode record : records) {
      List<ObjectNode> shapes = new ArrayList<>(List.of(record));
      for (Iterator<String> keys = record.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        shapes.add(JSON.createObjectNode().set(key, record.get(key)));
      }
      for (ObjectNode shape : shapes) {
        for (int i = 0; i < PARSERS.size(); i++) {
          SourceParser parser = PARSERS.get(i);
          if (claimsAKey(parser, shape)) {
            claimed[i]++;
          } else {
            skipped[i]++;
            assertThat(parser.recognize(SourceRecord.of(shape)))
                .as("%s on a record without a key it claims: %s", parser.source(), shape)
                .isZero();
          }
        }
      }
    }
    // Not vacuous: every parser is both asked and skipped over the corpus.
    for (int i = 0; i < PARSERS.size(); i++) {
      assertThat(skipped[i])
          .as("records %s is not asked about", PARSERS.get(i).source())
          .isGreaterThan(20);
      assertThat(claimed[i])
          .as("records %s is asked about", PARSERS.get(i).source())
          .isGreaterThan(20);
    }
  }

  private static boolean claimsAKey(SourceParser parser, ObjectNode record) {
    for (Iterator<String> keys = record.fieldNames(); keys.hasNext(); ) {
      if (parser.recognizesKey(keys.next())) {
        return true;
      }
    }
    return false;
  }

  /** Every record object of the corpus, as the normalizer meets them. */
  private static List<ObjectNode> corpusRecords() {
    List<ObjectNode> records = new ArrayList<>();
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      for (Path file : CorpusRun.files(folder)) {
        records.addAll(CorpusRun.recordObjects(file));
      }
    }
    return records;
  }
}
