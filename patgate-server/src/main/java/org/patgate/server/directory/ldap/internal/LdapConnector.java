package org.patgate.server.directory.ldap.internal;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.SSLUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import javax.net.SocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LdapSettings.Security;

/**
 * Connections to the configured servers: a lazily created pool bound as the service account for
 * searches, and short-lived connections for binding as a user (so a user's identity never stays
 * on a pooled connection). TLS (LDAPS or StartTLS before any bind) verifies the certificate
 * against the configured trust store and the server's host name. Thread-safe.
 */
public final class LdapConnector implements AutoCloseable {

    /** An operation on a connection bound as the service account. */
    @FunctionalInterface
    public interface PooledOperation<T> {
        T apply(LDAPConnection connection) throws LDAPException;
    }

    private final LdapSettings settings;
    private final ServerSet servers;
    private final BindRequest serviceBind;
    private final String configuredUrls;
    private LDAPConnectionPool pool; // guarded by this; created on first use so start-up never waits on LDAP
    private boolean closed; // guarded by this

    /** Prepares the server set; reads the trust store now so a bad one fails at start-up. */
    public LdapConnector(LdapSettings settings) {
        this.settings = settings;
        this.configuredUrls = settings.urls().toString();
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setAbandonOnTimeout(true);
        options.setBindWithDNRequiresPassword(true); // a DN with an empty password is an anonymous bind
        options.setFollowReferrals(false);
        String[] hosts = settings.urls().stream().map(URI::getHost).toArray(String[]::new);
        int[] ports = settings.urls().stream().mapToInt(LdapConnector::portOf).toArray();
        SocketFactory sockets = null;
        PostConnectProcessor startTls = null;
        if (settings.security() != Security.NONE) {
            options.setSSLSocketVerifier(new ServerNameVerifier());
            SSLUtil ssl = new SSLUtil(trustManagers(settings.trustStore(), settings.trustStorePassword()));
            try {
                if (settings.security() == Security.LDAPS) {
                    sockets = ssl.createSSLSocketFactory();
                } else {
                    startTls = new StartTLSPostConnectProcessor(ssl.createSSLContext());
                }
            } catch (GeneralSecurityException e) {
                throw new ConfigException("directory.ldap.security: cannot create a TLS context: " + e.getMessage(), e);
            }
        }
        this.servers = new FailoverServerSet(hosts, ports, sockets, options, null, startTls);
        this.serviceBind =
                settings.bindDn() == null ? null : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
    }

    /** The configured URLs, for messages. */
    public String configuredUrls() {
        return configuredUrls;
    }

    /**
     * Runs an operation on a pooled service-account connection. A connection the server dropped
     * (restart, idle timeout) is replaced and the operation retried once.
     *
     * @return the operation's result, and the URL of the server that answered in {@code served}
     */
    public <T> Served<T> withServiceConnection(PooledOperation<T> operation) throws LDAPException {
        LDAPConnectionPool connections = pool();
        for (int attempt = 1; ; attempt++) {
            LDAPConnection connection = connections.getConnection();
            try {
                T result = operation.apply(connection);
                String url = urlOf(connection);
                connections.releaseConnection(connection);
                return new Served<>(result, url);
            } catch (LDAPException e) {
                connections.releaseConnectionAfterException(connection, e);
                if (attempt >= 2 || e.getResultCode().isConnectionUsable()) {
                    throw e;
                }
            } catch (RuntimeException e) {
                connections.releaseDefunctConnection(connection);
                throw e;
            }
        }
    }

    /** A result and the server that produced it. */
    public record Served<T>(T value, String serverUrl) {}

    /**
     * Binds as {@code userDn} on a fresh connection that is closed afterwards.
     *
     * @return true when the password is right; false when the server rejects the credentials
     *     (wrong password, locked, expired or disabled account)
     * @throws LDAPException when the directory cannot be reached or fails otherwise
     */
    public boolean bindAsUser(String userDn, char[] password) throws LDAPException {
        if (password == null || password.length == 0) {
            return false; // RFC 4513 §5.1.2: DN + empty password is an unauthenticated bind that "succeeds"
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] exact = new byte[encoded.remaining()];
        encoded.get(exact);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        try (LDAPConnection connection = servers.getConnection()) {
            connection.bind(new SimpleBindRequest(userDn, exact));
            return true;
        } catch (LDAPException e) {
            if (isCredentialRejection(e.getResultCode())) {
                return false;
            }
            throw e;
        } finally {
            Arrays.fill(exact, (byte) 0);
        }
    }

    /**
     * A fresh connection bound as the service account (or anonymous), for connection tests. The
     * caller closes it.
     */
    public LDAPConnection openServiceConnection() throws LDAPException {
        LDAPConnection connection = servers.getConnection();
        try {
            if (serviceBind != null) {
                connection.bind(serviceBind.duplicate());
            }
            return connection;
        } catch (LDAPException e) {
            connection.close();
            throw e;
        }
    }

    /** The {@code scheme://host:port} of a connection, for status and messages. */
    public String urlOf(LDAPConnection connection) {
        String scheme = settings.security() == Security.LDAPS ? "ldaps" : "ldap";
        return scheme + "://" + connection.getConnectedAddress() + ":" + connection.getConnectedPort();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    private synchronized LDAPConnectionPool pool() throws LDAPException {
        if (closed) {
            throw new LDAPException(ResultCode.LOCAL_ERROR, "the LDAP directory has been closed");
        }
        if (pool == null || pool.isClosed()) {
            // One initial connection: creating the pool proves the servers and the service account.
            pool = new LDAPConnectionPool(servers, serviceBind, 1, settings.poolSize(), null, true);
            pool.setConnectionPoolName("patgate-ldap");
            pool.setMaxWaitTimeMillis(settings.responseTimeout().toMillis());
        }
        return pool;
    }

    private static boolean isCredentialRejection(ResultCode code) {
        // 49 wrong password (AD adds "data 52e/533/701/773/775" for bad password, disabled, expired,
        // must-change, locked); 48/53 server refuses simple bind for this account; 19 ppolicy lockout.
        return code == ResultCode.INVALID_CREDENTIALS
                || code == ResultCode.INAPPROPRIATE_AUTHENTICATION
                || code == ResultCode.UNWILLING_TO_PERFORM
                || code == ResultCode.CONSTRAINT_VIOLATION;
    }

    private static int portOf(URI url) {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "ldaps".equals(url.getScheme().toLowerCase(Locale.ROOT)) ? 636 : 389;
    }

    private static TrustManager[] trustManagers(Path trustStore, String password) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trustStore == null) {
                factory.init((KeyStore) null); // the JDK's cacerts
            } else {
                if (!Files.isReadable(trustStore)) {
                    throw new ConfigException("directory.ldap.trustStore: cannot read " + trustStore);
                }
                KeyStore store =
                        KeyStore.getInstance(trustStore.toFile(), password == null ? null : password.toCharArray());
                if (Collections.list(store.aliases()).stream().noneMatch(alias -> isCertificate(store, alias))) {
                    throw new ConfigException("directory.ldap.trustStore: " + trustStore + " holds no certificate");
                }
                factory.init(store);
            }
            return factory.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    "directory.ldap.trustStore: cannot load " + trustStore + " (wrong password or not PKCS#12/JKS): "
                            + e.getMessage(),
                    e);
        }
    }

    private static boolean isCertificate(KeyStore store, String alias) {
        try {
            return store.isCertificateEntry(alias) || store.getCertificate(alias) != null;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
