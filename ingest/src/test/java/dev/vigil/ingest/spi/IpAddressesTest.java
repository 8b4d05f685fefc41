package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  @ParameterizedTest
  @CsvSource({
    "203.0.113.5, 203.0.113.5",
    "' 203.0.113.5 ', 203.0.113.5",
    "075.050.255.67, 75.50.255.67",
    "::1, ::1",
    "0:0:0:0:0:0:0:1, ::1",
    "::, ::",
    "[2001:db8::10], 2001:db8::10",
    "2001:DB8:0:0:0:0:0:10, 2001:db8::10",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:DB8::10, 2001:db8::10",
    "fe80::1%eth0, fe80::1",
    "::ffff:192.0.2.1, 192.0.2.1",
  })
  /** IPv6 comes out in its RFC 5952 form, so one address always reads the same. */
  void normalizesIpLiterals(String text, String expected) {
    assertThat(IpAddresses.normalize(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AWS Internal",
        "ec2.amazonaws.com",
        "gce-internal-ip",
        "redacted",
        "<Attacker source IP>",
        "81.2.69.142, 192.168.10.10",
        "127.0.0.0/8",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "1..2.3",
        "1.2.3.-4",
        "dead:beef",
        ".:1",
        "..::",
        "",
        "[::1",
        "1::2::3",
        "12345::1",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7::8",
        "::1.2.3",
        "abc:def"
      })
  void refusesWhatIsNotOneIpAddress(String text) {
    assertThat(IpAddresses.normalize(text)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "203.0.113.5:36778, 203.0.113.5",
    "[2001:db8::10]:36778, 2001:db8::10",
    "2001:db8::10, 2001:db8::10",
    "203.0.113.5, 203.0.113.5",
  })
  void stripsPorts(String text, String expected) {
    assertThat(IpAddresses.normalizeHostPort(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vault.internal:8200", "localhost:8200", "x"})
  void refusesHostnamesWithPorts(String text) {
    assertThat(IpAddresses.normalizeHostPort(text)).isNull();
  }
}
