package dev.vigil.ingest.spi;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Keeps only real IP literals for {@code src.ip}: sources put hostnames ({@code AWS Internal},
 * {@code ec2.amazonaws.com}), lists, CIDRs and placeholders there. Never resolves a name.
 */
public final class IpAddresses {

  private IpAddresses() {}

  /**
   * The canonical form of an IPv4 or IPv6 literal (leading zeros of IPv4 octets dropped, IPv6
   * brackets, zone and port removed), or null when the text is not one IP address.
   */
  public static String normalize(String text) {
    if (text == null) {
      return null;
    }
    String candidate = text.trim();
    if (candidate.startsWith("[")) {
      int close = candidate.indexOf(']');
      if (close < 0) {
        return null;
      }
      candidate = candidate.substring(1, close);
    }
    if (candidate.indexOf(':') >= 0) {
      return ipv6(candidate);
    }
    return ipv4(candidate);
  }

  /** The IP part of {@code host:port} or {@code [v6]:port}, normalized; null when not an IP. */
  public static String normalizeHostPort(String text) {
    if (text == null) {
      return null;
    }
    String candidate = text.trim();
    if (candidate.startsWith("[")) {
      return normalize(candidate);
    }
    int colon = candidate.indexOf(':');
    if (colon > 0 && colon == candidate.lastIndexOf(':')) {
      return ipv4(candidate.substring(0, colon));
    }
    return normalize(candidate);
  }

  /**
   * Read by hand: splitting and streaming each octet cost more than the rest of a record's source
   * fields. Digits are any Unicode decimal digits, as {@link Integer#parseInt} reads them; the text
   * itself is returned when it is already canonical (ASCII, no leading zeros), as most is.
   */
  private static String ipv4(String text) {
    int[] octets = new int[4];
    int count = 0;
    boolean canonical = true;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i < text.length() && text.charAt(i) != '.') {
        continue;
      }
      int length = i - start;
      if (length == 0 || length > 3 || count == 4) {
        return null;
      }
      int octet = 0;
      for (int j = start; j < i; j++) {
        char c = text.charAt(j);
        int digit = Character.digit(c, 10);
        if (digit < 0) {
          return null;
        }
        canonical &= c <= '9';
        octet = octet * 10 + digit;
      }
      if (octet > 255) {
        return null;
      }
      canonical &= length == 1 || text.charAt(start) != '0';
      octets[count++] = octet;
      start = i + 1;
    }
    if (count != 4) {
      return null;
    }
    return canonical ? text : octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];
  }

  private static String ipv6(String text) {
    int zone = text.indexOf('%');
    String address = zone >= 0 ? text.substring(0, zone) : text;
    if (!isIpv6Literal(address)) {
      return null;
    }
    try {
      // Only a well-formed literal gets here, and the JDK parses a literal without a name lookup
      // (anything else it would try to resolve, which must never happen for log data).
      InetAddress parsed = InetAddress.getByName(address);
      return parsed instanceof Inet6Address
          ? rfc5952(parsed.getAddress())
          : parsed.getHostAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  /**
   * The RFC 5952 text of an IPv6 address: lower-case hex, leading zeros dropped, the longest run
   * (two or more) of zero groups shortened to {@code ::}, so one address always reads the same.
   */
  private static String rfc5952(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /**
   * The RFC 4291 text forms: eight groups of 1 to 4 hex digits, at most one {@code ::} standing for
   * one or more zero groups, and optionally a dotted IPv4 address as the last two groups.
   */
  static boolean isIpv6Literal(String address) {
    int doubleColon = address.indexOf("::");
    if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String head = doubleColon >= 0 ? address.substring(0, doubleColon) : address;
    String tail = doubleColon >= 0 ? address.substring(doubleColon + 2) : "";
    int groups = 0;
    for (String part : new String[] {head, tail}) {
      if (part.isEmpty()) {
        continue;
      }
      String[] fields = part.split(":", -1);
      for (int i = 0; i < fields.length; i++) {
        String field = fields[i];
        boolean last = part == tail || doubleColon < 0 ? i == fields.length - 1 : false;
        if (last && field.indexOf('.') >= 0) {
          if (ipv4(field) == null) {
            return false;
          }
          groups += 2;
        } else if (field.isEmpty()
            || field.length() > 4
            || !field.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          return false;
        } else {
          groups++;
        }
      }
    }
    return doubleColon >= 0 ? groups <= 7 : groups == 8;
  }
}
