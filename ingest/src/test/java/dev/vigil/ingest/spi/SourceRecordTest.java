package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SourceRecordTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theIdFromBytesInHandIsTheIdOfTheText() throws Exception {
    String raw = "{\"caller\":\"Jos\u00e9 \u00d8stergaard \u2603\"}";
    byte[] envelope = ("{\"records\":[" + raw + "]}").getBytes(StandardCharsets.UTF_8);
    int start = "{\"records\":[".length();
    int length = raw.getBytes(StandardCharsets.UTF_8).length;
    ObjectNode json = (ObjectNode) JSON.readTree(raw);

    SourceRecord fromBytes = SourceRecord.of(json, raw, "f#1", envelope, start, length);
    SourceRecord fromText = SourceRecord.of(json, raw, "f#1");

    assertThat(fromBytes.rawId())
        .isEqualTo(fromText.rawId())
        .isEqualTo(EventIds.ofRaw(raw))
        .isEqualTo("sha256:926d4a0ff166cf7e6c47bc8986d75313a4cdcce7ca9d2cccaf174a85dabe52e2");
  }

  @Test
  void aViewIsReadOncePerReader() {
    SourceRecord record = SourceRecord.of(JSON.createObjectNode().put("a", 1));
    AtomicInteger reads = new AtomicInteger();
    Function<ObjectNode, Integer> size =
        json -> {
          reads.incrementAndGet();
          return json.size();
        };
    Function<ObjectNode, String> text = ObjectNode::toString;

    assertThat(record.view(size)).isEqualTo(1);
    assertThat(record.view(size)).isEqualTo(1);
    assertThat(reads).hasValue(1);
    assertThat(record.view(text)).isEqualTo("{\"a\":1}");
    assertThat(record.view(size)).isEqualTo(1);
    assertThat(reads).hasValue(2);
  }
}
