package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.webhooks.TargetPolicy.Cidr;
import io.baton.orchestrator.webhooks.TargetPolicy.Rule;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One case (at least) per rule of where webhooks may go, at each edge of its range. */
class TargetPolicyTest {

  static final TargetPolicy STRICT = new TargetPolicy(false, List.of());

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "0.0.0.0, UNSPECIFIED",
    "::, UNSPECIFIED",
    "127.0.0.1, LOOPBACK",
    "127.255.255.254, LOOPBACK",
    "::1, LOOPBACK",
    "169.254.169.254, LINK_LOCAL",
    "169.254.0.1, LINK_LOCAL",
    "fe80::1, LINK_LOCAL",
    "febf::1, LINK_LOCAL",
    "10.0.0.1, PRIVATE",
    "10.255.255.255, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "192.168.1.1, PRIVATE",
    "fc00::1, PRIVATE",
    "fd12:3456::1, PRIVATE",
    "fec0::1, PRIVATE",
    "100.64.0.1, SHARED",
    "100.127.255.255, SHARED",
    "224.0.0.1, MULTICAST",
    "239.255.255.255, MULTICAST",
    "255.255.255.255, MULTICAST",
    "ff02::1, MULTICAST",
    "0.1.2.3, RESERVED",
    "240.0.0.1, RESERVED",
    "192.0.0.8, RESERVED",
    "198.18.0.1, RESERVED",
    "198.19.255.255, RESERVED",
  })
  void nonPublicAddressesAreRefusedByTheirRule(String address, Rule rule) throws Exception {
    assertThat(STRICT.address(ip(address))).contains(rule);
  }

  @Test
  void mappedAddressesReallyArriveAsIpv6() throws Exception {
    assertThat(ipv6Bytes("::ffff:10.1.2.3")).isInstanceOf(Inet6Address.class);
  }

  @ParameterizedTest(name = "{0} carries an IPv4 address that is {1}")
  @CsvSource({
    "::ffff:127.0.0.1, LOOPBACK",
    "::ffff:169.254.169.254, LINK_LOCAL",
    "::ffff:10.1.2.3, PRIVATE",
    "::ffff:0.0.0.0, UNSPECIFIED",
    "::10.1.2.3, PRIVATE",
    "::127.0.0.1, LOOPBACK",
    "64:ff9b::169.254.169.254, LINK_LOCAL",
    "64:ff9b::192.168.0.1, PRIVATE",
    "2002:7f00:1::, LOOPBACK",
    "2002:a9fe:a9fe::1, LINK_LOCAL",
  })
  void ipv6FormsOfIpv4AddressesAreJudgedByTheIpv4Address(String address, Rule rule)
      throws Exception {
    assertThat(STRICT.address(ipv6Bytes(address))).contains(rule);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "8.8.8.8",
        "1.1.1.1",
        "9.255.255.255",
        "11.0.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.255.255",
        "192.169.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.255.255",
        "223.255.255.255",
        "198.17.255.255",
        "198.20.0.0",
        "2606:4700:4700::1111",
        "2001:db8::1",
        "64:ff9b::8.8.8.8",
        "::ffff:8.8.8.8",
        "2002:808:808::1"
      })
  void publicAddressesAreAllowed(String address) throws Exception {
    assertThat(STRICT.address(ipv6Bytes(address))).isEmpty();
  }

  @Test
  void allowedNetworksOpenOnlyTheirOwnAddresses() throws Exception {
    TargetPolicy policy =
        new TargetPolicy(false, List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.20.0.0/16")));

    assertThat(policy.address(ip("127.0.0.1"))).isEmpty();
    assertThat(policy.address(ipv6Bytes("::ffff:127.0.0.1"))).isEmpty();
    assertThat(policy.address(ip("10.20.255.1"))).isEmpty();
    assertThat(policy.address(ip("10.21.0.1"))).contains(Rule.PRIVATE);
    assertThat(policy.address(ip("::1"))).contains(Rule.LOOPBACK);
    assertThat(policy.address(ip("0.0.0.0"))).contains(Rule.UNSPECIFIED);
    assertThat(policy.address(ip("169.254.169.254"))).contains(Rule.LINK_LOCAL);
  }

  @Test
  void networksWithPrefixesOffAByteBoundary() throws Exception {
    Cidr cidr = Cidr.parse("172.16.0.0/12");

    assertThat(cidr.contains(ip("172.31.255.255").getAddress())).isTrue();
    assertThat(cidr.contains(ip("172.32.0.0").getAddress())).isFalse();
    assertThat(Cidr.parse("fd00::/8").contains(ip("fd12::1").getAddress())).isTrue();
    assertThat(Cidr.parse("fd00::/8").contains(ip("fe12::1").getAddress())).isFalse();
    assertThat(Cidr.parse("10.1.2.3").contains(ip("10.1.2.3").getAddress())).isTrue();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8").getAddress())).isTrue();
    assertThat(Cidr.parse(" 10.0.0.0/8 ")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "intranet", "intranet/8", "10.0.0.0/33", "::/129", "10.0.0.0/x"})
  void networksThatAreNoCidrAreRefused(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void httpsAlwaysHttpOnlyWhenAllowed() {
    TargetPolicy open = new TargetPolicy(true, List.of());

    assertThat(STRICT.scheme("https")).isEmpty();
    assertThat(STRICT.scheme("HTTPS")).isEmpty();
    assertThat(STRICT.scheme("http")).contains(Rule.PLAIN_HTTP);
    assertThat(STRICT.scheme("ftp")).contains(Rule.PLAIN_HTTP);
    assertThat(STRICT.scheme(null)).contains(Rule.PLAIN_HTTP);
    assertThat(open.scheme("http")).isEmpty();
    assertThat(open.scheme("https")).isEmpty();
    assertThat(open.scheme("gopher")).contains(Rule.PLAIN_HTTP);
  }

  @Test
  void everyRuleHasADistinctSlug() {
    assertThat(List.of(Rule.values()).stream().map(Rule::slug)).doesNotHaveDuplicates();
    assertThat(Optional.of(Rule.LINK_LOCAL).map(Rule::description).orElseThrow())
        .contains("metadata");
  }

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  /**
   * The address exactly as written: the JDK turns an IPv4-mapped literal into an {@code
   * Inet4Address}, which would let the mapped cases pass without the policy doing anything.
   */
  private static InetAddress ipv6Bytes(String literal) throws UnknownHostException {
    InetAddress parsed = InetAddress.getByName(literal);
    if (!literal.contains(":") || parsed.getAddress().length == 16) {
      return parsed;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
    return Inet6Address.getByAddress(null, mapped, -1);
  }
}
