package org.patgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpRangeSetTest {

    @Test
    void emptySetAllowsEveryone() {
        IpRangeSet none = IpRangeSet.of(List.of());
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.allows(ip("203.0.113.1"))).isTrue();
        assertThat(none.allows(ip("2001:db8::1"))).isTrue();
        assertThat(none.toStrings()).isEmpty();
        assertThat(none).isEqualTo(IpRangeSet.empty());
    }

    @Test
    void nonEmptySetAllowsOnlyAddressesInSomeRange() {
        IpRangeSet set = IpRangeSet.of(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"));
        assertThat(set.isEmpty()).isFalse();
        assertThat(set.allows(ip("10.255.255.255"))).isTrue();
        assertThat(set.allows(ip("192.0.2.7"))).isTrue();
        assertThat(set.allows(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(set.allows(ip("::ffff:10.1.1.1"))).isTrue();
        assertThat(set.allows(ip("11.0.0.0"))).isFalse();
        assertThat(set.allows(ip("192.0.2.8"))).isFalse();
        assertThat(set.allows(ip("2001:db9::"))).isFalse();
        assertThat(set.allows(null)).isFalse();
    }

    @Test
    void toStringsGivesCanonicalFormsInOrderWithoutDuplicates() {
        IpRangeSet set = IpRangeSet.of(List.of("2001:DB8:0::/32", "192.0.2.7", "2001:db8::/32", "10.0.0.0/8"));
        assertThat(set.toStrings()).containsExactly("2001:db8::/32", "192.0.2.7/32", "10.0.0.0/8");
        assertThat(IpRangeSet.of(set.toStrings())).isEqualTo(set);
    }

    @Test
    void firstInvalidEntryFailsTheSetAndIsNamed() {
        assertThatThrownBy(() -> IpRangeSet.of(List.of("10.0.0.0/8", "example.com", "10.0.0.1/8")))
                .isInstanceOf(InvalidIpRangeException.class)
                .hasMessageStartingWith("IP range entry 1: ")
                .hasMessageContaining("'example.com'")
                .hasMessageNotContaining("10.0.0.1/8");
    }

    @Test
    void resultIsImmutable() {
        IpRangeSet set = IpRangeSet.of(List.of("10.0.0.0/8"));
        assertThatThrownBy(() -> set.toStrings().add("0.0.0.0/0")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> set.ranges().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    private static InetAddress ip(String literal) {
        return IpAddresses.parseLiteral(literal).orElseThrow();
    }
}
