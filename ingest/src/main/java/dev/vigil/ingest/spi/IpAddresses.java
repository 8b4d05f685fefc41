package dev.vigil.ingest.spi;

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

  private static String ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    StringBuilder out = new StringBuilder(15);
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        return null;
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        return null;
      }
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(octet);
    }
    return out.toString();
  }

  private static String ipv6(String text) {
    int zone = text.indexOf('%');
    String address = zone >= 0 ? text.substring(0, zone) : text;
    if (address.isEmpty() || !address.chars().allMatch(IpAddresses::isIpv6Char)) {
      return null;
    }
    try {
      // A literal of hex digits, colons and dots is parsed without any name lookup.
      return InetAddress.getByName(address).getHostAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static boolean isIpv6Char(int c) {
    return c == ':' || c == '.' || Character.digit(c, 16) >= 0;
  }
}
