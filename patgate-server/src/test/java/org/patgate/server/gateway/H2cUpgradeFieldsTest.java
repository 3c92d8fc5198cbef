package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningGateway;

/**
 * The fields of an h2c upgrade (RFC 7540 §3.2) belong to the hop between client and PATgate: a
 * request carrying {@code Upgrade: h2c} and {@code HTTP2-Settings} without {@code Connection} naming
 * them is never switched to HTTP/2 and neither field reaches the upstream, on either data plane.
 */
@EndToEndTest
class H2cUpgradeFieldsTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    @Test
    void upgradeFieldsNotNamedInConnectionAreNeverForwarded() {
        int before = gw.upstream.received().size();
        RawHttp.RawAnswer answer = RawHttp.send(
                gw.base(),
                "GET /rest/api/2/myself HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + gw.readWrite()
                        + "\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nConnection: close\r\n\r\n");

        // Served as HTTP/1.1 (the Netty plane), or refused as a malformed upgrade (Jetty): never switched.
        assertThat(answer.text()).startsWith("HTTP/1.1 ");
        assertThat(answer.status()).isIn(200, 400);
        if (answer.status() == 200) {
            assertThat(gw.upstream.received()).hasSize(before + 1);
            assertThat(gw.upstream.last().header("Upgrade")).isEmpty();
            assertThat(gw.upstream.last().header("HTTP2-Settings")).isEmpty();
        } else {
            assertThat(gw.upstream.received()).hasSize(before);
        }
    }
}
