package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.ListenConfig.ProxyProtocol;

/**
 * The keys of the listener's TLS and PROXY protocol and of HTTPS to the upstream: read from the
 * file and the environment, checked across keys (one TLS form, whole; PROXY headers need trusted
 * proxies; a trust store needs an https upstream), and their secrets kept out of messages and prints.
 */
class ListenTlsConfigTest {

    @TempDir
    Path directory;

    @Test
    void withoutTheKeysTheListenerIsPlainHttpAndTheUpstreamUsesTheJdksTrust() {
        PatgateConfig config = PatgateConfig.defaults();

        assertThat(config.listen().tls()).isEqualTo(TlsConfig.none());
        assertThat(config.listen().tls().enabled()).isFalse();
        assertThat(config.listen().tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.listen().tls().reloadInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.listen().proxyProtocol()).isEqualTo(ProxyProtocol.OFF);
        assertThat(config.upstream().trustStoreFile()).isEmpty();
        assertThat(config.upstream().tlsVerifyHostname()).isTrue();
    }

    @Test
    void theKeysAreReadFromTheFileAndTheEnvironmentWins() throws IOException {
        Path file = write("""
                listen:
                  dataPlane: netty
                  proxyProtocol: v1
                  tls:
                    certificate: /etc/patgate/chain.pem
                    key: /etc/patgate/key.pem
                    protocols: [TLSv1.3]
                    reloadInterval: 5s
                trustedProxies: ["10.1.0.0/24"]
                upstream:
                  url: https://jira.example.com
                  trustStore: /etc/patgate/ca.pem
                  tlsVerifyHostname: false
                """);

        PatgateConfig config = PatgateConfig.load(
                file,
                Map.of(
                        "PATGATE_LISTEN_PROXYPROTOCOL", "V2",
                        "PATGATE_LISTEN_TLS_KEYPASSWORD", "from-env",
                        "PATGATE_UPSTREAM_TLSVERIFYHOSTNAME", "true"));

        assertThat(config.listen().proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(config.listen().tls().source())
                .contains(new TlsConfig.Pem(
                        Path.of("/etc/patgate/chain.pem"), Path.of("/etc/patgate/key.pem"), "from-env"));
        assertThat(config.listen().tls().protocols()).containsExactly("TLSv1.3");
        assertThat(config.listen().tls().reloadInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.upstream().trustStoreFile()).contains(Path.of("/etc/patgate/ca.pem"));
        assertThat(config.upstream().tlsVerifyHostname()).isTrue();

        PatgateConfig keystore = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_LISTEN_DATAPLANE", "netty",
                        "PATGATE_LISTEN_TLS_KEYSTORE", "/etc/patgate/server.p12",
                        "PATGATE_LISTEN_TLS_KEYSTOREPASSWORD", "p12-pw",
                        "PATGATE_LISTEN_TLS_PROTOCOLS", "TLSv1.2, TLSv1.3"));
        assertThat(keystore.listen().tls().source())
                .contains(new TlsConfig.Pkcs12(Path.of("/etc/patgate/server.p12"), "p12-pw"));
        assertThat(keystore.listen().tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }

    @Test
    void bothFormsOrHalfAFormAreRefusedNamingTheKeys() {
        assertThat(problems(Map.of(
                        "PATGATE_LISTEN_TLS_CERTIFICATE", "chain.pem",
                        "PATGATE_LISTEN_TLS_KEY", "key.pem",
                        "PATGATE_LISTEN_TLS_KEYSTORE", "server.p12")))
                .containsExactly("listen.tls.keystore: set together with listen.tls.certificate/listen.tls.key;"
                        + " choose one form: a PEM certificate and key, or a PKCS#12 keystore");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_CERTIFICATE", "chain.pem")))
                .containsExactly("listen.tls.key: must be set with listen.tls.certificate");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_KEY", "key.pem", "PATGATE_LISTEN_TLS_KEYPASSWORD", "pw-1")))
                .containsExactly("listen.tls.certificate: must be set with listen.tls.key");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_KEYPASSWORD", "pw-2")))
                .containsExactly("listen.tls.keyPassword: set, but listen.tls.key is not");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_KEYSTOREPASSWORD", "pw-3")))
                .containsExactly("listen.tls.keystorePassword: set, but listen.tls.keystore is not");
    }

    @Test
    void onlyTls13And12AreOfferedAndTheReloadIntervalIsPositive() {
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_PROTOCOLS", "TLSv1.3,TLSv1.1")))
                .singleElement()
                .asString()
                .startsWith("listen.tls.protocols[1]: is too old to be offered; use TLSv1.3 and/or TLSv1.2");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_PROTOCOLS", "SSLv3")))
                .singleElement()
                .asString()
                .startsWith("listen.tls.protocols[0]: is too old");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_PROTOCOLS", "TLSv1.4")))
                .singleElement()
                .asString()
                .startsWith("listen.tls.protocols[0]: must be TLSv1.3 or TLSv1.2");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_PROTOCOLS", "TLSv1.3,TLSv1.3")))
                .containsExactly("listen.tls.protocols: must not list a version twice");
        assertThat(problems(Map.of("PATGATE_LISTEN_TLS_RELOADINTERVAL", "0s")))
                .singleElement()
                .asString()
                .startsWith("listen.tls.reloadInterval: must be positive");
    }

    @Test
    void proxyHeadersNeedTrustedProxies() {
        assertThat(problems(Map.of("PATGATE_LISTEN_PROXYPROTOCOL", "any")))
                .singleElement()
                .asString()
                .startsWith("listen.proxyProtocol: any needs trustedProxies");
        assertThat(problems(Map.of("PATGATE_LISTEN_PROXYPROTOCOL", "v3")))
                .singleElement()
                .asString()
                .startsWith("listen.proxyProtocol: must be off, v1, v2 or any");
        assertThat(PatgateConfig.load(
                                null,
                                Map.of(
                                        "PATGATE_LISTEN_DATAPLANE", "netty",
                                        "PATGATE_LISTEN_PROXYPROTOCOL", "any",
                                        "PATGATE_TRUSTEDPROXIES", "10.0.0.5"))
                        .listen()
                        .proxyProtocol())
                .isEqualTo(ProxyProtocol.ANY);
    }

    @Test
    void anUpstreamTrustStoreNeedsAnHttpsUpstream() {
        assertThat(problems(Map.of("PATGATE_UPSTREAM_TRUSTSTORE", "ca.pem")))
                .containsExactly("upstream.trustStore: set, but upstream.url is not https");
        assertThat(problems(Map.of(
                        "PATGATE_UPSTREAM_URL",
                        "https://jira.example.com",
                        "PATGATE_UPSTREAM_TRUSTSTOREPASSWORD",
                        "pw-4")))
                .containsExactly("upstream.trustStorePassword: set, but upstream.trustStore is not");
        assertThat(problems(Map.of("PATGATE_UPSTREAM_TLSVERIFYHOSTNAME", "yes")))
                .singleElement()
                .asString()
                .startsWith("upstream.tlsVerifyHostname: must be true or false");
    }

    @Test
    void theSecretsAreMaskedWhenPrintedAndThePrintLoadsBack() throws IOException {
        Map<String, String> env = Map.of(
                "PATGATE_LISTEN_DATAPLANE", "netty",
                "PATGATE_LISTEN_TLS_CERTIFICATE", "/etc/patgate/chain.pem",
                "PATGATE_LISTEN_TLS_KEY", "/etc/patgate/key.pem",
                "PATGATE_LISTEN_TLS_KEYPASSWORD", "key-secret-1",
                "PATGATE_UPSTREAM_URL", "https://jira.example.com",
                "PATGATE_UPSTREAM_TRUSTSTORE", "/etc/patgate/ca.p12",
                "PATGATE_UPSTREAM_TRUSTSTOREPASSWORD", "trust-secret-2");
        PatgateConfig config = PatgateConfig.load(null, env);

        String printed = config.toMaskedYaml();
        assertThat(printed)
                .contains("tls:", "certificate: \"/etc/patgate/chain.pem\"", "keyPassword: \"******\"")
                .contains("trustStorePassword: \"******\"")
                .doesNotContain("key-secret-1", "trust-secret-2");
        assertThat(config.listen().tls().toString()).doesNotContain("key-secret-1");
        assertThat(config.upstream().toString()).doesNotContain("trust-secret-2");

        PatgateConfig plain = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_LISTEN_DATAPLANE", "netty",
                        "PATGATE_LISTEN_TLS_KEYSTORE", "/etc/patgate/server.p12",
                        "PATGATE_LISTEN_PROXYPROTOCOL", "v2",
                        "PATGATE_TRUSTEDPROXIES", "10.0.0.5"));
        assertThat(PatgateConfig.load(write(plain.toMaskedYaml()), Map.of())).isEqualTo(plain);
    }

    @Test
    void tlsAndProxyHeadersAreRefusedWhereJettyWouldServePlainHttp() {
        assertThat(problems(Map.of(
                        "PATGATE_LISTEN_DATAPLANE", "jetty",
                        "PATGATE_LISTEN_TLS_CERTIFICATE", "chain.pem",
                        "PATGATE_LISTEN_TLS_KEY", "key.pem")))
                .containsExactly("listen.tls.certificate: TLS on the listener needs listen.dataPlane: netty");
        assertThat(problems(Map.of("PATGATE_LISTEN_DATAPLANE", "jetty", "PATGATE_LISTEN_TLS_KEYSTORE", "server.p12")))
                .containsExactly("listen.tls.keystore: TLS on the listener needs listen.dataPlane: netty");
        assertThat(problems(Map.of(
                        "PATGATE_LISTEN_DATAPLANE", "jetty",
                        "PATGATE_LISTEN_PROXYPROTOCOL", "v2",
                        "PATGATE_TRUSTEDPROXIES", "10.0.0.5")))
                .containsExactly("listen.proxyProtocol: PROXY protocol headers need listen.dataPlane: netty");
    }

    /** The problems of loading {@code env} on the Netty data plane, unless {@code env} chooses one. */
    private List<String> problems(Map<String, String> env) {
        Map<String, String> onNetty = new HashMap<>(Map.of("PATGATE_LISTEN_DATAPLANE", "netty"));
        onNetty.putAll(env);
        try {
            PatgateConfig.load(null, onNetty);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("pw-1", "pw-2", "pw-3", "pw-4");
            return e.problems();
        }
        throw new AssertionError("loaded without a problem: " + env);
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(directory, "patgate", ".yml"), yaml);
    }
}
