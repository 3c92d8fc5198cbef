package org.patgate.server.testing;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A certificate authority made in the test, and the server certificates it issues, written to
 * files in every form a listener or an upstream trust store reads: PEM chains, PKCS#8 keys (plain
 * and encrypted), PKCS#1/SEC1 keys (plain and with OpenSSL's legacy encryption) and PKCS#12.
 */
public final class TestCertificates {

    /** RSA or EC (P-256) keys. */
    public enum Algorithm {
        RSA,
        EC
    }

    /** A key pair and its certificate, issued by {@code issuer} (itself for the authority). */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {

        public PrivateKey privateKey() {
            return keys.getPrivate();
        }

        /** The leaf and the authority's certificate, leaf first. */
        public X509Certificate[] chain() {
            return new X509Certificate[] {certificate, issuer};
        }
    }

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    private final Issued authority;

    private TestCertificates(Issued authority) {
        this.authority = authority;
    }

    /** A new self-signed authority named {@code CN=<name>}. */
    public static TestCertificates authority(String name) {
        KeyPair keys = keyPair(Algorithm.EC);
        X500Name subject = new X500Name("CN=" + name);
        X509Certificate certificate = sign(
                new JcaX509v3CertificateBuilder(
                        subject,
                        serial(),
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(30))),
                        subject,
                        keys.getPublic()),
                keys.getPrivate(),
                true,
                List.of());
        return new TestCertificates(new Issued(keys, certificate, certificate));
    }

    public X509Certificate certificate() {
        return authority.certificate();
    }

    /** A TLS client context that trusts this authority, and nothing else. */
    public SSLContext trustingContext() {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", certificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a TLS client context", e);
        }
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, named {@code CN=<name>}. */
    public Issued issue(String name, Algorithm algorithm) {
        return issue(name, algorithm, List.of("localhost"), List.of("127.0.0.1"));
    }

    /** A server certificate with these DNS and IP subject alternative names. */
    public Issued issue(String name, Algorithm algorithm, List<String> dnsNames, List<String> ipAddresses) {
        KeyPair keys = keyPair(algorithm);
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        X509Certificate certificate = sign(
                new JcaX509v3CertificateBuilder(
                        authority.certificate(),
                        serial(),
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(30))),
                        new X500Name("CN=" + name),
                        keys.getPublic()),
                authority.privateKey(),
                false,
                names);
        return new Issued(keys, certificate, authority.certificate());
    }

    /** PEM {@code CERTIFICATE} blocks, in order. */
    public static Path writeCertificates(Path file, X509Certificate... certificates) {
        return writePem(file, writer -> {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        });
    }

    /** {@code PRIVATE KEY} (PKCS#8). */
    public static Path writePkcs8(Path file, PrivateKey key) {
        return writePem(file, writer -> writer.writeObject(new JcaPKCS8Generator(key, null)));
    }

    /** {@code ENCRYPTED PRIVATE KEY} (PKCS#8, PBES2 with AES-256-CBC). */
    public static Path writeEncryptedPkcs8(Path file, PrivateKey key, String password) {
        return writePem(file, writer -> {
            try {
                writer.writeObject(new JcaPKCS8Generator(
                        key,
                        new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                                .setProvider(BC)
                                .setPassword(password.toCharArray())
                                .build()));
            } catch (OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY} (SEC1), as OpenSSL's traditional format. */
    public static Path writeTraditional(Path file, PrivateKey key) {
        if (!key.getAlgorithm().equals("EC")) {
            return writePem(file, writer -> writer.writeObject(key));
        }
        // SEC1 as OpenSSL writes it: the curve inside the key (Bouncy Castle's writer leaves it out).
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        return writePem(file, writer -> {
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            ECPrivateKey sec1 = new ECPrivateKey(
                    256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
            writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        });
    }

    /** The traditional format with OpenSSL's legacy encryption ({@code Proc-Type: 4,ENCRYPTED}, AES-128-CBC). */
    public static Path writeTraditionalEncrypted(Path file, PrivateKey key, String password) {
        return writePem(
                file,
                writer -> writer.writeObject(
                        key,
                        new JcePEMEncryptorBuilder("AES-128-CBC")
                                .setProvider(BC)
                                .build(password.toCharArray())));
    }

    /** A PKCS#12 file with one key entry and its chain. */
    public static Path writePkcs12(Path file, PrivateKey key, String password, X509Certificate... chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password.toCharArray(), chain);
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 file with trusted certificate entries only. */
    public static Path writeTrustStore(Path file, String password, X509Certificate... certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.length; i++) {
                store.setCertificateEntry("ca-" + i, certificates[i]);
            }
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface PemBody {
        void write(JcaPEMWriter writer) throws IOException;
    }

    private static Path writePem(Path file, PemBody body) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            body.write(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // Written whole in one go: a reader never sees half a file from here.
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".pem", ".tmp");
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
                out.write(text.toString());
            }
            Files.move(
                    temporary,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(
            X509v3CertificateBuilder builder, PrivateKey issuerKey, boolean authority, List<GeneralName> names) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(Algorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.name());
            if (algorithm == Algorithm.RSA) {
                generator.initialize(2048);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }
}
