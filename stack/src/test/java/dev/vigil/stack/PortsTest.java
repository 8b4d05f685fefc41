package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void freePortsOfOneComponentNeverCoincide() {
    // One at a time, the system may hand out a port it just took back; flaky stack starts said
    // "the OpenSearch HTTP and transport ports must differ".
    for (int round = 0; round < 200; round++) {
      int[] ports = Ports.resolve(0, 0, 0);
      assertThat(Arrays.stream(ports).distinct().count()).as(Arrays.toString(ports)).isEqualTo(3);
      assertThat(Arrays.stream(ports).min().getAsInt()).isPositive();
    }
  }

  @Test
  void fixedPortsAreKeptAndNotHandedOutAgain() {
    int fixed = Ports.resolve(0)[0];
    int[] ports = Ports.resolve(fixed, 0);
    assertThat(ports[0]).isEqualTo(fixed);
    assertThat(ports[1]).isNotEqualTo(fixed).isPositive();
  }
}
