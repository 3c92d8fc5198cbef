package org.patgate.server.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;

/**
 * The listener's private key and its certificate chain (leaf first), read from the files of a
 * {@link TlsConfig.Source} and checked: an RSA or EC key, and the leaf certificate's public key is
 * the key's own (a key that does not match its certificate would fail every handshake). Immutable.
 *
 * @param key   the private key
 * @param chain the certificates, leaf first
 */
record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {

    KeyMaterial {
        chain = List.copyOf(chain);
    }

    /** The leaf certificate: the one that names this server. */
    X509Certificate leaf() {
        return chain.getFirst();
    }

    /**
     * Parses and checks the files.
     *
     * @throws ConfigException naming the key whose file or password is wrong
     */
    static KeyMaterial from(TlsFiles files) {
        KeyMaterial material = switch (files.source()) {
            case TlsConfig.Pem pem ->
                new KeyMaterial(
                        PemReader.privateKey(files.contents().get(1), pem.keyPassword()),
                        PemReader.certificates(
                                TlsConfig.CERTIFICATE.key(), files.contents().get(0)));
            case TlsConfig.Pkcs12 pkcs12 -> pkcs12(files.contents().getFirst(), pkcs12.password());
        };
        material.check(files.source() instanceof TlsConfig.Pem ? TlsConfig.KEY.key() : TlsConfig.KEYSTORE.key());
        return material;
    }

    private static KeyMaterial pkcs12(byte[] content, String password) {
        String key = TlsConfig.KEYSTORE.key();
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(content), password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(
                        TlsConfig.KEYSTORE_PASSWORD.key() + ": does not open " + key + " (wrong password?)");
            }
            throw new ConfigException(
                    key + ": not a readable PKCS#12 file (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    key + ": not a readable PKCS#12 file (" + e.getClass().getSimpleName() + ")");
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new ConfigException(key + ": must hold exactly one private key, holds " + keyAliases.size());
            }
            String alias = keyAliases.getFirst();
            Key privateKey = store.getKey(alias, password.toCharArray());
            Certificate[] chain = store.getCertificateChain(alias);
            if (!(privateKey instanceof PrivateKey) || chain == null || chain.length == 0) {
                throw new ConfigException(key + ": the key entry '" + alias + "' has no certificate chain");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : chain) {
                certificates.add((X509Certificate) certificate);
            }
            return new KeyMaterial((PrivateKey) privateKey, certificates);
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException(TlsConfig.KEYSTORE_PASSWORD.key() + ": does not open the key in " + key);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    key + ": cannot read the key entry (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** RSA or EC, and the leaf certificate holds this key's public half. */
    private void check(String keyName) {
        String signature = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new ConfigException(keyName + ": must be an RSA or EC key, is " + key.getAlgorithm());
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(key);
            signer.update(probe);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(leaf().getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signed)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of one algorithm and a certificate of another: the same answer as a mismatch.
        }
        throw new ConfigException(keyName + ": the private key does not belong to the first (leaf) certificate "
                + leaf().getSubjectX500Principal().getName());
    }
}
