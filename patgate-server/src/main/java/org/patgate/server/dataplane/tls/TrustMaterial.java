package org.patgate.server.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.UpstreamConfig;

/**
 * Reads {@code upstream.trustStore} into a {@link TrustManagerFactory}: a PEM bundle (one or more
 * {@code CERTIFICATE} blocks) or a PKCS#12 file, told apart by content, not by the file's name.
 * Stateless and thread-safe.
 */
final class TrustMaterial {

    private TrustMaterial() {}

    /**
     * The certificates of the file as trust anchors.
     *
     * @throws ConfigException naming the key, for a missing, unreadable or empty file or a wrong password
     */
    static TrustManagerFactory read(Path file, String password) {
        String key = UpstreamConfig.TRUST_STORE.key();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(key + ": file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        KeyStore store = isPem(content) ? pem(content, file) : pkcs12(content, password, file);
        try {
            if (store.size() == 0) {
                throw new ConfigException(key + ": holds no certificate: " + file);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot be used as a trust store (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isPem(byte[] content) {
        return new String(content, StandardCharsets.US_ASCII).strip().startsWith("-----BEGIN");
    }

    private static KeyStore pem(byte[] content, Path file) {
        String key = UpstreamConfig.TRUST_STORE.key();
        try {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(key + ": not a readable PEM certificate bundle: " + file);
        }
    }

    private static KeyStore pkcs12(byte[] content, String password, Path file) {
        String key = UpstreamConfig.TRUST_STORE.key();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(content), password.toCharArray());
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(
                        UpstreamConfig.TRUST_STORE_PASSWORD.key() + ": does not open " + key + " (wrong password?)");
            }
            throw new ConfigException(key + ": neither a PEM bundle nor a readable PKCS#12 file: " + file);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": neither a PEM bundle nor a readable PKCS#12 file: " + file);
        }
    }
}
