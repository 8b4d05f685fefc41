package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesRfc5952Test {

  @ParameterizedTest
  @CsvSource({
    "::1, ::1",
    "0:0:0:0:0:0:0:1, ::1",
    "2001:DB8:0:0:0:0:0:10, 2001:db8::10",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "::, ::",
    "fe80::1%eth0, fe80::1",
    "[2001:db8::10]:36778, 2001:db8::10",
    "::ffff:192.0.2.1, 192.0.2.1"
  })
  void writesIpv6InItsCanonicalShortForm(String input, String expected) {
    assertThat(IpAddresses.normalizeHostPort(input)).isEqualTo(expected);
  }
}
