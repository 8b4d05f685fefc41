package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.Source;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void theIdOfARawRecordIsTheSha256OfItsUtf8Bytes() {
    assertThat(EventIds.ofRaw("abc"))
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(EventIds.ofRaw("{\"caller\":\"Jos\u00e9 \u00d8stergaard \u2603\"}"))
        .isEqualTo("sha256:926d4a0ff166cf7e6c47bc8986d75313a4cdcce7ca9d2cccaf174a85dabe52e2");
  }

  @Test
  void theSameRecordAlwaysGivesTheSameId() throws InterruptedException {
    String raw = "{\"time\":\"2024-01-01T00:00:00Z\"}";
    String first = EventIds.ofRaw(raw);
    String[] onAnotherThread = new String[1];
    Thread thread = new Thread(() -> onAnotherThread[0] = EventIds.ofRaw(raw));
    thread.start();
    thread.join();
    assertThat(EventIds.ofRaw("something else")).isNotEqualTo(first);
    assertThat(EventIds.ofRaw(raw)).isEqualTo(first).isEqualTo(onAnotherThread[0]);
  }

  @Test
  void aBlankOwnIdIsNoId() {
    assertThat(EventIds.own("6f1d3c2a-0000")).isEqualTo("6f1d3c2a-0000");
    assertThat(EventIds.own(null)).isNull();
    assertThat(EventIds.own("  ")).isNull();
    assertThat(EventIds.own("\u001f\u001f\t")).isNull();
  }

  @Test
  void aVaultRequestAndItsResponseShareTheirRequestKey() {
    assertThat(EventIds.requestKey(Source.VAULT, "0b5c-77:request")).isEqualTo("0b5c-77");
    assertThat(EventIds.requestKey(Source.VAULT, "0b5c-77:response")).isEqualTo("0b5c-77");
  }

  @Test
  void otherIdsAreTheirOwnRequestKey() {
    assertThat(EventIds.requestKey(Source.VAULT, "sha256:ab12")).isEqualTo("sha256:ab12");
    assertThat(EventIds.requestKey(Source.GCP_AUDIT, "a:b")).isEqualTo("a:b");
    assertThat(EventIds.requestKey(Source.AWS_CLOUDTRAIL, "6f1d3c2a-0000"))
        .isEqualTo("6f1d3c2a-0000");
  }
}
