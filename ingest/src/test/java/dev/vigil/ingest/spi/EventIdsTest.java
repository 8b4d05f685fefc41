package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.Source;
import org.junit.jupiter.api.Test;

class EventIdsTest {

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
