package org.patgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "0.0.0.0",
                "255.255.255.255",
                "::1",
                "::",
                "2001:db8::1",
                "fe80::1:2:3:4",
                "1:2:3:4:5:6:7:8",
                "::ffff:192.0.2.1",
                "64:ff9b::192.0.2.33",
                "ABCD::EF01"
            })
    void literalsParseToTheSameAddressAsTheJdk(String literal) throws Exception {
        // For literals the JDK does not resolve either, so it is a safe oracle here.
        assertThat(IpAddresses.parseLiteral(literal)).contains(InetAddress.getByName(literal));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "localhost",
                "example.com",
                "1.2.3",
                "1",
                "127.1",
                "01.2.3.4",
                "0x7f.0.0.1",
                "1.2.3.4 ",
                "256.0.0.1",
                "fe80::1%eth0",
                "fe80::1%1",
                "[::1]",
                "::1/128",
                "1.2.3.4/32",
                "1:2",
                "::ffff:1.2.3.04",
                "\u0661.2.3.4",
                "\uff11.2.3.4",
                "1::\u0661"
            })
    void nonLiteralsAreEmptyAndNeverResolved(String text) {
        assertThat(IpAddresses.parseLiteral(text)).isEmpty();
    }

    @Test
    void nullIsEmpty() {
        assertThat(IpAddresses.parseLiteral(null)).isEmpty();
    }
}
