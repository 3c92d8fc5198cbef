package org.patgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patgate.core.PatgateException;

class IpRangeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8            | 10.0.0.0/8            | 8   | false
            192.0.2.7             | 192.0.2.7/32          | 32  | false
            0.0.0.0/0             | 0.0.0.0/0             | 0   | false
            255.255.255.255/32    | 255.255.255.255/32    | 32  | false
            192.168.1.128/25      | 192.168.1.128/25      | 25  | false
            0.0.0.0               | 0.0.0.0/32            | 32  | false
            2001:db8::/32         | 2001:db8::/32         | 32  | true
            2001:DB8:0:0:0:0:0:0/32 | 2001:db8::/32       | 32  | true
            2001:0db8::/32        | 2001:db8::/32         | 32  | true
            ::/0                  | ::/0                  | 0   | true
            ::1                   | ::1/128               | 128 | true
            ::                    | ::/128                | 128 | true
            fe80::1               | fe80::1/128           | 128 | true
            2001:db8:0:0:1:0:0:1  | 2001:db8::1:0:0:1/128 | 128 | true
            2001:db8:0:1:1:1:1:1  | 2001:db8:0:1:1:1:1:1/128 | 128 | true
            1:0:0:2:0:0:0:3       | 1:0:0:2::3/128        | 128 | true
            2001:db8::8000:0/97   | 2001:db8::8000:0/97   | 97  | true
            64:ff9b::192.0.2.33   | 64:ff9b::c000:221/128 | 128 | true
            """)
    void validRangesParseToTheirCanonicalForm(String input, String canonical, int prefixLength, boolean ipv6) {
        IpRange range = IpRange.parse(input);
        assertThat(range.toString()).isEqualTo(canonical);
        assertThat(range.prefixLength()).isEqualTo(prefixLength);
        assertThat(range.isIpv6()).isEqualTo(ipv6);
        assertThat(IpRange.parse(canonical)).isEqualTo(range).hasSameHashCodeAs(range);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            10.0.0.0/33          | prefix length out of range 0..32
            2001:db8::/129       | prefix length out of range 0..128
            10.0.0.1/8           | host bits set: did you mean 10.0.0.0/8?
            2001:db8::1/32       | host bits set: did you mean 2001:db8::/32?
            256.1.1.1            | IPv4 octet 256 out of range 0..255
            1.2.3                | exactly 4 dot-separated octets
            1.2.3.4.5            | exactly 4 dot-separated octets
            1..3.4               | empty IPv4 octet
            01.2.3.4             | leading zero in IPv4 octet '01'
            1.2.3.0255           | leading zero
            example.com          | host names are never resolved
            localhost            | host names are never resolved
            0x7f.0.0.1           | host names are never resolved
            ''                   | empty IP range
            ' '                  | whitespace
            ' 10.0.0.0/8'        | whitespace
            '10.0.0.0/8 '        | prefix length must be a decimal number
            1.2.3.4/             | missing prefix length
            /8                   | missing address
            1.2.3.4/08           | leading zero in prefix length
            1.2.3.4/-1           | prefix length must be a decimal number
            1.2.3.4/8/8          | prefix length must be a decimal number
            1.2.3.4/99999999999  | prefix length out of range 0..32
            fe80::1%eth0         | zone ids
            fe80::1%1/64         | zone ids
            [::1]                | not a hex digit
            1:2:3:4:5:6:7        | needs 8
            1:2:3:4:5:6:7:8:9    | more than 8 groups
            1::2::3              | more than one '::'
            :1:2:3:4:5:6:7       | cannot start with a single ':'
            1:2:3:4:5:6:7:       | cannot end with a single ':'
            12345::              | more than 4 hex digits
            g::1                 | not a hex digit
            ::ffff:10.0.0.0/104  | write the IPv4 range 10.0.0.0/8
            ::ffff:1.2.3.4       | write the IPv4 range 1.2.3.4/32
            1.2.3.4::            | embedded IPv4 address must be the last part
            ::1.2.3              | exactly 4 dot-separated octets
            """)
    void invalidRangesAreRefusedWithAClearMessage(String input, String messagePart) {
        assertThatThrownBy(() -> IpRange.parse(input))
                .isInstanceOf(InvalidIpRangeException.class)
                .isInstanceOf(PatgateException.class)
                .hasMessageContaining(messagePart)
                .hasMessageContaining(input.isEmpty() ? "" : "'" + input + "'");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> IpRange.parse(null)).isInstanceOf(InvalidIpRangeException.class);
    }

    @Test
    void ipv4ContainsTheFirstAndLastAddressButNotItsNeighbours() {
        IpRange range = IpRange.parse("192.168.4.0/22");
        assertThat(range.contains(ip("192.168.4.0"))).isTrue();
        assertThat(range.contains(ip("192.168.5.17"))).isTrue();
        assertThat(range.contains(ip("192.168.7.255"))).isTrue();
        assertThat(range.contains(ip("192.168.3.255"))).isFalse();
        assertThat(range.contains(ip("192.168.8.0"))).isFalse();
        assertThat(range.contains(null)).isFalse();
    }

    @Test
    void singleHostRangesContainOnlyThatHost() {
        assertThat(IpRange.parse("203.0.113.9").contains(ip("203.0.113.9"))).isTrue();
        assertThat(IpRange.parse("203.0.113.9").contains(ip("203.0.113.8"))).isFalse();
        assertThat(IpRange.parse("203.0.113.9").contains(ip("203.0.113.10"))).isFalse();
        assertThat(IpRange.parse("2001:db8::9").contains(ip("2001:db8::9"))).isTrue();
        assertThat(IpRange.parse("2001:db8::9").contains(ip("2001:db8::8"))).isFalse();
    }

    @Test
    void ipv6ContainsTheFirstAndLastAddressButNotItsNeighbours() {
        IpRange range = IpRange.parse("2001:db8:0:100::/56");
        assertThat(range.contains(ip("2001:db8:0:100::"))).isTrue();
        assertThat(range.contains(ip("2001:db8:0:1ff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(range.contains(ip("2001:db8:0:ff:ffff:ffff:ffff:ffff"))).isFalse();
        assertThat(range.contains(ip("2001:db8:0:200::"))).isFalse();
    }

    @Test
    void ipv6RangesCrossingTheMiddleOfTheAddressWork() {
        IpRange range = IpRange.parse("2001:db8::8000:0:0:0/65");
        assertThat(range.contains(ip("2001:db8::8000:0:0:0"))).isTrue();
        assertThat(range.contains(ip("2001:db8::ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(range.contains(ip("2001:db8::7fff:ffff:ffff:ffff"))).isFalse();
        assertThat(range.contains(ip("2001:db8:0:1::"))).isFalse();
    }

    @Test
    void zeroPrefixContainsItsWholeFamilyOnly() {
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("0.0.0.0"))).isTrue();
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("255.255.255.255"))).isTrue();
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(IpRange.parse("::/0").contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")))
                .isTrue();
        assertThat(IpRange.parse("::/0").contains(ip("::"))).isTrue();
        assertThat(IpRange.parse("::/0").contains(ip("10.1.2.3"))).isFalse();
    }

    @Test
    void ipv4MappedIpv6ClientsMatchIpv4Ranges() throws Exception {
        IpRange range = IpRange.parse("10.0.0.0/8");
        // Built as an Inet6Address explicitly: InetAddress.getByAddress would unwrap it to IPv4.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 20, 30, 40};
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(client).isInstanceOf(Inet6Address.class);
        assertThat(range.contains(client)).isTrue();
        mapped[12] = 11;
        assertThat(range.contains(Inet6Address.getByAddress(null, mapped, -1))).isFalse();
        assertThat(range.contains(ip("::ffff:10.0.0.1"))).isTrue();
        // Mapped clients are IPv4 clients: an IPv6 catch-all does not let them in.
        assertThat(IpRange.parse("::/0").contains(Inet6Address.getByAddress(null, mapped, -1)))
                .isFalse();
    }

    @Test
    void onlyTheIpv4MappedBlockMatchesIpv4Ranges() {
        assertThat(IpRange.parse("10.0.0.0/8").contains(ip("::10.0.0.1"))).isFalse();
        assertThat(IpRange.parse("10.0.0.0/8").contains(ip("::ffff:a00:1"))).isTrue();
        assertThat(IpRange.parse("10.0.0.0/8").contains(ip("::ffff:0:a00:1"))).isFalse();
    }

    private static InetAddress ip(String literal) {
        return IpAddresses.parseLiteral(literal).orElseThrow(() -> new AssertionError("not a literal: " + literal));
    }
}
