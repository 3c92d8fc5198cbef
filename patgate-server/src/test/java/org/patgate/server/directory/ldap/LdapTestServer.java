package org.patgate.server.directory.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldif.LDIFReader;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import com.unboundid.util.ssl.cert.ManageCertificates;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real LDAP protocol server (UnboundID in-memory) on 127.0.0.1 and an ephemeral port, loaded from
 * LDIF. Can be stopped and restarted on the same port to simulate an outage. Records every search
 * filter it receives. {@code member:1.2.840.113556.1.4.1941:=} (AD's in-chain rule, which the
 * in-memory server does not implement) is answered as a direct {@code member} match.
 */
final class LdapTestServer implements AutoCloseable {

    enum Transport {
        PLAIN,
        LDAPS,
        STARTTLS
    }

    static final String SERVICE_DN = "cn=patgate-service";
    static final String SERVICE_PASSWORD = "service-secret";

    private final String[] baseDns;
    private final String ldif;
    private final boolean schemaChecking;
    private final Transport transport;
    private final Tls tls;
    private final List<String> searchFilters = new CopyOnWriteArrayList<>();
    private InMemoryDirectoryServer server;
    private int port;

    private LdapTestServer(String[] baseDns, String ldif, boolean schemaChecking, Transport transport, Tls tls) {
        this.baseDns = baseDns;
        this.ldif = ldif;
        this.schemaChecking = schemaChecking;
        this.transport = transport;
        this.tls = tls;
    }

    static LdapTestServer start(String baseDn, String ldif, boolean schemaChecking) throws Exception {
        return start(baseDn, ldif, schemaChecking, Transport.PLAIN, null);
    }

    static LdapTestServer start(String baseDn, String ldif, boolean schemaChecking, Transport transport, Tls tls)
            throws Exception {
        LdapTestServer server = new LdapTestServer(new String[] {baseDn}, ldif, schemaChecking, transport, tls);
        server.listen(0);
        return server;
    }

    URI url() {
        return URI.create((transport == Transport.LDAPS ? "ldaps" : "ldap") + "://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    List<String> searchFilters() {
        return searchFilters;
    }

    void stop() {
        server.shutDown(true);
    }

    /** Changes an entry the way an administrator of the directory would (the server stays up). */
    void modify(String dn, Modification... modifications) throws LDAPException {
        server.modify(dn, modifications);
    }

    /** Deletes an entry. */
    void delete(String dn) throws LDAPException {
        server.delete(dn);
    }

    /** Starts again on the same port with the original data. */
    void restart() throws Exception {
        listen(port);
    }

    @Override
    public void close() {
        server.shutDown(true);
    }

    private void listen(int listenPort) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDns);
        config.addAdditionalBindCredentials(SERVICE_DN, SERVICE_PASSWORD);
        if (!schemaChecking) {
            config.setSchema(null); // Active Directory attributes are not in the standard schema
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        config.setListenerConfigs(
                switch (transport) {
                    case PLAIN -> InMemoryListenerConfig.createLDAPConfig("ldap", loopback, listenPort, null);
                    case STARTTLS ->
                        InMemoryListenerConfig.createLDAPConfig(
                                "ldap", loopback, listenPort, tls.serverSsl().createSSLSocketFactory());
                    case LDAPS ->
                        InMemoryListenerConfig.createLDAPSConfig(
                                "ldaps", loopback, listenPort, tls.serverSsl().createSSLServerSocketFactory(), null);
                });
        config.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
                Filter filter = request.getRequest().getFilter();
                searchFilters.add(filter.toString());
                SearchRequest rewritten = request.getRequest().duplicate();
                rewritten.setFilter(withoutInChainRule(filter));
                request.setRequest(rewritten);
            }
        });
        server = new InMemoryDirectoryServer(config);
        server.importFromLDIF(true, new LDIFReader(new BufferedReader(new StringReader(ldif))));
        server.startListening();
        port = server.getListenPort();
    }

    private static Filter withoutInChainRule(Filter filter) {
        return switch (filter.getFilterType()) {
            case Filter.FILTER_TYPE_AND ->
                Filter.createANDFilter(List.of(filter.getComponents()).stream()
                        .map(LdapTestServer::withoutInChainRule)
                        .toList());
            case Filter.FILTER_TYPE_OR ->
                Filter.createORFilter(List.of(filter.getComponents()).stream()
                        .map(LdapTestServer::withoutInChainRule)
                        .toList());
            case Filter.FILTER_TYPE_EXTENSIBLE_MATCH ->
                "1.2.840.113556.1.4.1941".equals(filter.getMatchingRuleID())
                        ? Filter.createEqualityFilter(filter.getAttributeName(), filter.getAssertionValue())
                        : filter;
            default -> filter;
        };
    }

    /** A self-signed server certificate and a trust store file that trusts it. */
    record Tls(File keyStore, char[] pin, Path trustStore, String trustStorePassword) {

        /** A certificate valid for 127.0.0.1. */
        static Tls generate(Path dir) throws Exception {
            return generate(dir, "ldap-127", "--subject-alternative-name-ip-address", "127.0.0.1");
        }

        /** A certificate that names only another host, to prove host name verification. */
        static Tls generateForOtherHost(Path dir) throws Exception {
            return generate(dir, "ldap-other", "--subject-alternative-name-dns", "ldap.example.invalid");
        }

        private static Tls generate(Path dir, String name, String sanOption, String sanValue) throws Exception {
            Path keyStore = dir.resolve(name + "-key.p12");
            char[] pin = "key-pass".toCharArray();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            ResultCode result = ManageCertificates.main(
                    null,
                    output,
                    output,
                    "generate-self-signed-certificate",
                    "--keystore",
                    keyStore.toString(),
                    "--keystore-password",
                    new String(pin),
                    "--keystore-type",
                    "PKCS12",
                    "--alias",
                    "server",
                    "--subject-dn",
                    "CN=" + sanValue,
                    sanOption,
                    sanValue,
                    "--days-valid",
                    "2");
            if (result != ResultCode.SUCCESS) {
                throw new IllegalStateException("certificate generation failed: " + output);
            }
            KeyStore keys = KeyStore.getInstance(keyStore.toFile(), pin);
            Certificate certificate = keys.getCertificate("server");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ldap-server", certificate);
            Path trustStore = dir.resolve(name + "-trust.p12");
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                trust.store(out, "trust-pass".toCharArray());
            }
            return new Tls(keyStore.toFile(), pin, trustStore, "trust-pass");
        }

        SSLUtil serverSsl() throws Exception {
            return new SSLUtil(new KeyStoreKeyManager(keyStore, pin, "PKCS12", null), new TrustAllTrustManager());
        }
    }
}
