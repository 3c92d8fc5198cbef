package org.patgate.server.dataplane.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;

/**
 * Reads PEM files: a certificate chain, and a private key in each form tools write: PKCS#8
 * ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), the last two also in OpenSSL's
 * legacy encryption ({@code Proc-Type: 4,ENCRYPTED}). Errors name the configuration key and the
 * file, never a password. Stateless and thread-safe.
 */
final class PemReader {

    /**
     * Bouncy Castle's provider, used as an object and never registered: OpenSSL's encrypted keys name
     * ciphers ({@code AES/CBC/PKCS7Padding}) the JDK's providers do not know by those names.
     */
    private static final Provider BC = new BouncyCastleProvider();

    private PemReader() {}

    /** Every certificate in the file, in order; anything else in it (a key, EC parameters) is skipped. */
    static List<X509Certificate> certificates(String key, byte[] pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = parser(pem)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new ConfigException(key + ": not a readable PEM certificate file ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (certificates.isEmpty()) {
            throw new ConfigException(key + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /**
     * The first private key in the file, decrypted with {@code password} when it is encrypted.
     *
     * @throws ConfigException for a file without a key, an encrypted key without a password or with
     *                         the wrong one, and a password given for a key that is not encrypted
     */
    static PrivateKey privateKey(byte[] pem, String password) {
        String key = TlsConfig.KEY.key();
        String passwordKey = TlsConfig.KEY_PASSWORD.key();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = parser(pem)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                boolean encrypted = item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair;
                if (encrypted && password.isEmpty()) {
                    throw new ConfigException(key + ": the key is encrypted; set " + passwordKey);
                }
                if (!encrypted
                        && !password.isEmpty()
                        && (item instanceof PrivateKeyInfo || item instanceof PEMKeyPair)) {
                    throw new ConfigException(passwordKey + ": set, but the key in " + key + " is not encrypted");
                }
                switch (item) {
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMKeyPair pair -> {
                        // The public half is optional in SEC1 (and unused here).
                        return converter.getPrivateKey(pair.getPrivateKeyInfo());
                    }
                    case PKCS8EncryptedPrivateKeyInfo info -> {
                        return converter.getPrivateKey(decrypt(info, password));
                    }
                    case PEMEncryptedKeyPair pair -> {
                        return converter.getPrivateKey(pair.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                                        .setProvider(BC)
                                        .build(password.toCharArray()))
                                .getPrivateKeyInfo());
                    }
                    default -> {
                        // EC PARAMETERS before an EC key, or a certificate in a combined file.
                    }
                }
            }
        } catch (PKCSException e) {
            throw wrongPassword(passwordKey, key);
        } catch (IOException e) {
            // A legacy-encrypted key with the wrong password fails here, as garbage after decryption.
            throw new ConfigException((password.isEmpty()
                            ? key + ": not a readable PEM private key"
                            : wrongPassword(passwordKey, key).getMessage())
                    + " (" + e.getMessage() + ")");
        }
        throw new ConfigException(
                key + ": holds no PEM private key (-----BEGIN PRIVATE KEY----- or a PKCS#1/SEC1 key)");
    }

    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo info, String password) throws PKCSException {
        try {
            return info.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(BC)
                    .build(password.toCharArray()));
        } catch (OperatorCreationException e) {
            throw new ConfigException(
                    TlsConfig.KEY.key() + ": the key's encryption is not supported (" + e.getMessage() + ")");
        }
    }

    private static ConfigException wrongPassword(String passwordKey, String key) {
        return new ConfigException(passwordKey + ": does not decrypt the key in " + key + " (wrong password?)");
    }

    private static PEMParser parser(byte[] pem) {
        return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
    }
}
