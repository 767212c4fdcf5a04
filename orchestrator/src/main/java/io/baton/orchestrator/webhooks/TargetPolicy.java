package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.Decision;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the orchestrator may send a webhook: {@code https} only unless plain HTTP is allowed, and
 * only to addresses on the public internet, so that a subscriber cannot make it call (or probe)
 * services inside its own network, its host, or the cloud's metadata endpoint. An address inside
 * one of {@code allowedNetworks} is allowed whatever its kind.
 *
 * <p>IPv6 forms that carry an IPv4 address (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible
 * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::}) are judged by
 * the IPv4 address they carry.
 *
 * @param allowHttp whether {@code http://} URLs are allowed besides {@code https://}
 * @param allowedNetworks networks allowed even though their addresses are not public
 */
@Decision
record TargetPolicy(boolean allowHttp, List<Cidr> allowedNetworks) {

  TargetPolicy {
    allowedNetworks = List.copyOf(allowedNetworks);
  }

  /** Why a URL or address is refused; the slug names the rule in messages and logs. */
  enum Rule {
    PLAIN_HTTP("plain-http", "http:// (only https:// is allowed)"),
    UNSPECIFIED("unspecified", "an unspecified address (0.0.0.0, ::)"),
    LOOPBACK("loopback", "a loopback address"),
    LINK_LOCAL("link-local", "a link-local address (169.254.0.0/16, fe80::/10, cloud metadata)"),
    PRIVATE("private", "a private address (10/8, 172.16/12, 192.168/16, fc00::/7)"),
    SHARED("shared", "a carrier-grade NAT address (100.64.0.0/10)"),
    MULTICAST("multicast", "a multicast or broadcast address"),
    RESERVED("reserved", "a reserved address (0/8, 192.0.0/24, 198.18/15, 240/4)");

    private final String slug;
    private final String description;

    Rule(String slug, String description) {
      this.slug = slug;
      this.description = description;
    }

    String slug() {
      return slug;
    }

    String description() {
      return description;
    }
  }

  /** Whether a URL of this scheme may be called. */
  Optional<Rule> scheme(String scheme) {
    String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    if (s.equals("https") || s.equals("http") && allowHttp) {
      return Optional.empty();
    }
    return Optional.of(Rule.PLAIN_HTTP);
  }

  /** Whether this address may be connected to: empty when it may, else the rule it breaks. */
  Optional<Rule> address(InetAddress address) {
    byte[] bytes = canonical(address.getAddress());
    if (allowedNetworks.stream().anyMatch(n -> n.contains(bytes))) {
      return Optional.empty();
    }
    return Optional.ofNullable(bytes.length == 4 ? ipv4(bytes) : ipv6(bytes));
  }

  private static Rule ipv4(byte[] a) {
    int first = a[0] & 0xff;
    int second = a[1] & 0xff;
    if (first == 0 && second == 0 && a[2] == 0 && a[3] == 0) {
      return Rule.UNSPECIFIED;
    }
    if (first == 127) {
      return Rule.LOOPBACK;
    }
    if (first == 169 && second == 254) {
      return Rule.LINK_LOCAL;
    }
    if (first == 10 || first == 172 && (second & 0xf0) == 16 || first == 192 && second == 168) {
      return Rule.PRIVATE;
    }
    if (first == 100 && (second & 0xc0) == 64) {
      return Rule.SHARED;
    }
    if (first >= 224 && first <= 239 || Arrays.equals(a, new byte[] {-1, -1, -1, -1})) {
      return Rule.MULTICAST;
    }
    if (first == 0
        || first >= 240
        || first == 192 && second == 0 && a[2] == 0
        || first == 198 && (second & 0xfe) == 18) {
      return Rule.RESERVED;
    }
    return null;
  }

  private static Rule ipv6(byte[] a) {
    boolean zeroUpTo15 = true;
    for (int i = 0; i < 15; i++) {
      zeroUpTo15 &= a[i] == 0;
    }
    if (zeroUpTo15 && a[15] == 0) {
      return Rule.UNSPECIFIED;
    }
    if (zeroUpTo15 && a[15] == 1) {
      return Rule.LOOPBACK;
    }
    int first = a[0] & 0xff;
    int second = a[1] & 0xff;
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return Rule.LINK_LOCAL;
    }
    if ((first & 0xfe) == 0xfc || first == 0xfe && (second & 0xc0) == 0xc0) {
      return Rule.PRIVATE; // unique local fc00::/7, and the deprecated site-local fec0::/10
    }
    if (first == 0xff) {
      return Rule.MULTICAST;
    }
    return null;
  }

  /**
   * The IPv4 address an IPv6 address carries, when it is one of the forms that reach an IPv4 host;
   * otherwise the address itself.
   */
  static byte[] canonical(byte[] a) {
    if (a.length != 16) {
      return a;
    }
    if (prefixIs(a, 10, 0) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
      return Arrays.copyOfRange(a, 12, 16); // IPv4-mapped ::ffff:0:0/96
    }
    if (prefixIs(a, 12, 0) && !(a[12] == 0 && a[13] == 0 && a[14] == 0 && (a[15] & 0xfe) == 0)) {
      return Arrays.copyOfRange(a, 12, 16); // IPv4-compatible ::/96, except :: and ::1
    }
    if ((a[0] & 0xff) == 0x00
        && (a[1] & 0xff) == 0x64
        && (a[2] & 0xff) == 0xff
        && (a[3] & 0xff) == 0x9b
        && prefixIsFrom(a, 4, 12, 0)) {
      return Arrays.copyOfRange(a, 12, 16); // NAT64 64:ff9b::/96
    }
    if ((a[0] & 0xff) == 0x20 && (a[1] & 0xff) == 0x02) {
      return Arrays.copyOfRange(a, 2, 6); // 6to4 2002::/16
    }
    return a;
  }

  private static boolean prefixIs(byte[] a, int length, int value) {
    return prefixIsFrom(a, 0, length, value);
  }

  private static boolean prefixIsFrom(byte[] a, int from, int to, int value) {
    for (int i = from; i < to; i++) {
      if (a[i] != value) {
        return false;
      }
    }
    return true;
  }

  /**
   * A network in CIDR notation, {@code 10.0.0.0/8} or {@code fd00::/8}. IPv4 networks also hold the
   * IPv6 forms that carry their addresses (see {@link #canonical}).
   */
  record Cidr(byte[] network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    Cidr {
      network = network.clone();
      if (prefixLength < 0 || prefixLength > network.length * 8) {
        throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
      }
    }

    /**
     * @throws IllegalArgumentException when the text is no IP literal with a prefix length
     */
    static Cidr parse(String text) {
      String t = text.strip();
      int slash = t.indexOf('/');
      String address = slash < 0 ? t : t.substring(0, slash);
      // only literals reach InetAddress, so parsing never asks a name server
      if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
        throw new IllegalArgumentException("not an IP network in CIDR notation: '" + text + "'");
      }
      try {
        byte[] bytes = InetAddress.getByName(address).getAddress();
        int length = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
        return new Cidr(bytes, length);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not an IP network in CIDR notation: '" + text + "'", e);
      }
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixLength / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixLength % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cidr c
          && prefixLength == c.prefixLength
          && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
