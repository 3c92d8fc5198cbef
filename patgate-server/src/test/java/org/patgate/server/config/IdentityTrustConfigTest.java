package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configuration cannot hand identity to the client: the identity header is never one that carries
 * client, connection or credential identity (in any spelling an upstream may fold together), and no
 * trusted proxy range lets every client choose the address PATgate believes.
 */
class IdentityTrustConfigTest {

    @ParameterizedTest(name = "identity.header {0}")
    @ValueSource(
            strings = {
                // written by the gateway, or carrying the client's or the connection's identity
                "Host",
                "host",
                "HOST",
                "Forwarded",
                "Via",
                "X-Forwarded-For",
                "X-Forwarded-Host",
                "X-Forwarded-Proto",
                "X-Forwarded-Port",
                "X-Forwarded-Server",
                "X-Forwarded-Prefix",
                "X-Forwarded-Ssl",
                "X-Forwarded-Uri",
                "X-Forwarded",
                "X-Forwarded-Anything",
                "x_forwarded_for",
                "X.Forwarded.Host",
                "X_FORWARDED_PROTO",
                "X-Real-IP",
                "x_real_ip",
                "X-Client-IP",
                "Client-IP",
                "True-Client-IP",
                "CF-Connecting-IP",
                "Fastly-Client-IP",
                "X-Cluster-Client-IP",
                "X-Originating-IP",
                // credentials
                "Authorization",
                "authorization",
                "AUTHORIZATION",
                "Proxy-Authorization",
                "Proxy_Authorization",
                "Cookie",
                // framing and hop-by-hop
                "Content-Length",
                "Content_Length",
                "content.length",
                "Transfer-Encoding",
                "Connection",
                "Keep-Alive",
                "Proxy-Connection",
                "TE",
                "Trailer",
                "Upgrade",
                "HTTP2-Settings",
                "Expect",
                "Content-Type",
                // path and method rewriting
                "X-Original-URL",
                "X_Original_URL",
                "X-Rewrite-URL",
                "X-Original-URI",
                "X-HTTP-Method-Override",
                "X-HTTP-Method",
                "X-Method-Override"
            })
    void identityHeaderThatCarriesClientOrTransportIdentityIsRefused(String header) {
        ConfigException refused = catchThrowableOfType(
                ConfigException.class, () -> PatgateConfig.load(null, Map.of("PATGATE_IDENTITY_HEADER", header)));

        assertThat(refused).as(header).isNotNull();
        assertThat(refused.problems())
                .singleElement()
                .asString()
                .startsWith("identity.header: must not be a header the gateway itself relies on: ")
                .contains("got '" + header + "'");
    }

    @ParameterizedTest(name = "identity.header {0}")
    @ValueSource(
            strings = {":authority", ":path", "X User", "X-User:", "X-Us\u00e9r", "X-User\t", "(X-User)", "X/User"})
    void identityHeaderThatIsNoHeaderNameIsRefused(String header) {
        ConfigException refused = catchThrowableOfType(
                ConfigException.class, () -> PatgateConfig.load(null, Map.of("PATGATE_IDENTITY_HEADER", header)));

        assertThat(refused).as(header).isNotNull();
        assertThat(refused.problems())
                .singleElement()
                .asString()
                .startsWith("identity.header: must be a valid HTTP header name (RFC 9110 token)");
    }

    @ParameterizedTest(name = "identity.header {0}")
    @ValueSource(
            strings = {
                "X-Forwarded-User",
                "X-Forwarded-Email",
                "X-Remote-User",
                "Remote-User",
                "X-Patgate-User",
                "X-Patgate-Jwt",
                "X-WEBAUTH-USER"
            })
    void identityHeaderThatOnlyNamesTheUserIsAccepted(String header) {
        PatgateConfig config = PatgateConfig.load(null, Map.of("PATGATE_IDENTITY_HEADER", header));

        assertThat(config.identity().header()).isEqualTo(header);
    }

    @ParameterizedTest(name = "trustedProxies {0}")
    @ValueSource(
            strings = {
                "0.0.0.0/0",
                "::/0",
                "0.0.0.0/1,128.0.0.0/1",
                "0.0.0.0/7",
                "128.0.0.0/2",
                "::/1",
                "8000::/1",
                "2000::/3",
                "2001:db8::/31",
                "::ffff:0:0/96",
                "::ffff:0:0/103",
                "::/80",
                "64:ff9b::/96",
                "64:ff9b::/64",
                "2002::/16",
                "2002::/23",
                "2001::/32",
                "2001:0:a00::/40"
            })
    void trustedProxiesCoveringEveryoneOrNearlySoAreRefused(String ranges) {
        ConfigException refused = catchThrowableOfType(
                ConfigException.class, () -> PatgateConfig.load(null, Map.of("PATGATE_TRUSTEDPROXIES", ranges)));

        assertThat(refused).as(ranges).isNotNull();
        assertThat(refused.problems())
                .allSatisfy(problem ->
                        assertThat(problem).matches("trustedProxies\\[\\d]: is too wide for a trusted proxy: .*"));
    }

    @ParameterizedTest(name = "trustedProxies {0}")
    @ValueSource(
            strings = {
                "10.0.0.0/8",
                "127.0.0.0/8",
                "172.16.0.0/12",
                "192.168.1.10",
                "::1",
                "2001:db8::/32",
                "fd00::/48",
                "64:ff9b::a00:0/104",
                "2002:a00::/32",
                "2001:0:0:0:0:0:a00:0/104"
            })
    void trustedProxiesNoWiderThanAnOrganisationsNetworkAreAccepted(String range) {
        PatgateConfig config = PatgateConfig.load(null, Map.of("PATGATE_TRUSTEDPROXIES", range));

        assertThat(config.trustedProxies()).containsExactly(range);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PATGATE_TRUSTEDPROXIES", "PATGATE_REST_ALLOWEDIPS"})
    void ipv4MappedRangesTheGatewayCannotMatchAreRefusedAtLoadNotAfterTheNodeCreatedItsData(String variable) {
        ConfigException refused = catchThrowableOfType(
                ConfigException.class, () -> PatgateConfig.load(null, Map.of(variable, "::ffff:10.1.2.3")));

        assertThat(refused).isNotNull();
        assertThat(refused.problems())
                .singleElement()
                .asString()
                .contains("[0]: IPv4-mapped IPv6 ranges are not accepted: write the IPv4 form 10.1.2.3/32");
    }

    @org.junit.jupiter.api.Test
    void recordConstructorsRefuseTheSameValuesBuiltInCode() {
        PatgateConfig defaults = PatgateConfig.defaults();
        assertThatThrownBy(() -> new IdentityConfig(IdentityConfig.Mode.HEADER, "X_Forwarded_For"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("identity.header: must not be a header the gateway itself relies on");
        assertThatThrownBy(() -> new PatgateConfig(
                        defaults.listen(),
                        defaults.upstream(),
                        defaults.database(),
                        defaults.rest(),
                        defaults.identity(),
                        List.of("10.0.0.0/8", "::/0"),
                        defaults.bootstrap(),
                        defaults.tokens(),
                        defaults.admin(),
                        defaults.api()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("trustedProxies[1]: is too wide for a trusted proxy");
    }
}
