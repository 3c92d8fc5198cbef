package org.patgate.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * TLS on the listener ({@code listen.tls.*}): where the certificate and its key come from, in one of
 * two forms (a PEM certificate chain and a PEM key, or a PKCS#12 keystore), which TLS versions are
 * spoken (1.3 and 1.2; nothing older), and how often the files are checked for a replacement.
 * Neither form set: plain HTTP. Both forms, or half of one, are refused naming the keys. The
 * passwords are secrets, masked by {@link #toString()}. Declares its keys ({@link #KEYS}, part of
 * {@link ListenConfig#KEYS}). Immutable and thread-safe.
 *
 * @param certificate      PEM file with the certificate chain, leaf first; empty: none
 * @param key              PEM file with the leaf's private key (PKCS#8, PKCS#1 or SEC1; RSA or EC); empty: none
 * @param keyPassword      the password of an encrypted {@code key}; empty: the key is not encrypted
 * @param keystore         PKCS#12 file with the key and its chain; empty: none
 * @param keystorePassword the password of {@code keystore}
 * @param protocols        the TLS versions offered, {@code TLSv1.3} and/or {@code TLSv1.2}
 * @param reloadInterval   how often the files are read again to see whether they changed
 */
public record TlsConfig(
        String certificate,
        String key,
        String keyPassword,
        String keystore,
        String keystorePassword,
        List<String> protocols,
        Duration reloadInterval) {

    /** Where the certificate and key come from. */
    public sealed interface Source permits Pem, Pkcs12 {}

    /** A PEM certificate chain (leaf first) and a PEM private key, encrypted when {@code keyPassword} is not empty. */
    public record Pem(Path certificate, Path key, String keyPassword) implements Source {
        @Override
        public String toString() {
            return "Pem[certificate=" + certificate + ", key=" + key + ", keyPassword=" + Masking.secret(keyPassword)
                    + "]";
        }
    }

    /** A PKCS#12 keystore holding one private key and its chain. */
    public record Pkcs12(Path keystore, String password) implements Source {
        @Override
        public String toString() {
            return "Pkcs12[keystore=" + keystore + ", password=" + Masking.secret(password) + "]";
        }
    }

    /** The versions this gateway speaks, newest first. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static final Setting<ListenConfig, String> CERTIFICATE = Setting.of(
            "listen.tls.certificate",
            new SettingType.Text(),
            "",
            ConfigRules::optionalFilePath,
            listen -> listen.tls().certificate(),
            "PEM file with the listener's certificate chain, leaf first; empty: plain HTTP.");
    public static final Setting<ListenConfig, String> KEY = Setting.of(
            "listen.tls.key",
            new SettingType.Text(),
            "",
            ConfigRules::optionalFilePath,
            listen -> listen.tls().key(),
            "PEM file with the certificate's private key (PKCS#8, PKCS#1 or SEC1; RSA or EC).");
    public static final Setting<ListenConfig, String> KEY_PASSWORD = Setting.secret(
            "listen.tls.keyPassword",
            "",
            value -> {},
            listen -> listen.tls().keyPassword(),
            "The password of an encrypted listen.tls.key; empty: the key is not encrypted.");
    public static final Setting<ListenConfig, String> KEYSTORE = Setting.of(
            "listen.tls.keystore",
            new SettingType.Text(),
            "",
            ConfigRules::optionalFilePath,
            listen -> listen.tls().keystore(),
            "PKCS#12 file with the listener's private key and certificate chain, instead of the PEM files.");
    public static final Setting<ListenConfig, String> KEYSTORE_PASSWORD = Setting.secret(
            "listen.tls.keystorePassword",
            "",
            value -> {},
            listen -> listen.tls().keystorePassword(),
            "The password of listen.tls.keystore.");
    public static final Setting<ListenConfig, List<String>> PROTOCOLS = new Setting<>(
            "listen.tls.protocols",
            new SettingType.Texts(TlsConfig::checkProtocol),
            product -> SUPPORTED_PROTOCOLS,
            TlsConfig::checkProtocols,
            listen -> listen.tls().protocols(),
            false,
            "TLS versions",
            "The TLS versions offered: TLSv1.3 and/or TLSv1.2.");
    public static final Setting<ListenConfig, Duration> RELOAD_INTERVAL = Setting.of(
            "listen.tls.reloadInterval",
            new SettingType.Span(),
            Duration.ofSeconds(30),
            ConfigRules::positive,
            listen -> listen.tls().reloadInterval(),
            "How often the certificate and key files are checked for a replacement.");
    /** Every {@code listen.tls.*} key. */
    public static final List<Setting<ListenConfig, ?>> KEYS =
            List.of(CERTIFICATE, KEY, KEY_PASSWORD, KEYSTORE, KEYSTORE_PASSWORD, PROTOCOLS, RELOAD_INTERVAL);

    public TlsConfig {
        CERTIFICATE.require(certificate);
        KEY.require(key);
        KEY_PASSWORD.require(keyPassword);
        KEYSTORE.require(keystore);
        KEYSTORE_PASSWORD.require(keystorePassword);
        protocols = PROTOCOLS.require(protocols);
        RELOAD_INTERVAL.require(reloadInterval);
        List<String> problems = new ArrayList<>();
        boolean pem = !certificate.isEmpty() || !key.isEmpty();
        if (pem && !keystore.isEmpty()) {
            problems.add(KEYSTORE.key() + ": set together with " + CERTIFICATE.key() + "/" + KEY.key()
                    + "; choose one form: a PEM certificate and key, or a PKCS#12 keystore");
        }
        if (!certificate.isEmpty() && key.isEmpty()) {
            problems.add(KEY.key() + ": must be set with " + CERTIFICATE.key());
        }
        if (certificate.isEmpty() && !key.isEmpty()) {
            problems.add(CERTIFICATE.key() + ": must be set with " + KEY.key());
        }
        if (!keyPassword.isEmpty() && key.isEmpty()) {
            problems.add(KEY_PASSWORD.key() + ": set, but " + KEY.key() + " is not");
        }
        if (!keystorePassword.isEmpty() && keystore.isEmpty()) {
            problems.add(KEYSTORE_PASSWORD.key() + ": set, but " + KEYSTORE.key() + " is not");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** No TLS: the listener speaks plain HTTP. */
    public static TlsConfig none() {
        return new TlsConfig("", "", "", "", "", SUPPORTED_PROTOCOLS, Duration.ofSeconds(30));
    }

    /** TLS from a PEM chain and key, with the default versions and reload interval. */
    public static TlsConfig pem(Path certificate, Path key, String keyPassword) {
        return new TlsConfig(
                certificate.toString(),
                key.toString(),
                keyPassword,
                "",
                "",
                SUPPORTED_PROTOCOLS,
                Duration.ofSeconds(30));
    }

    /** TLS from a PKCS#12 keystore, with the default versions and reload interval. */
    public static TlsConfig pkcs12(Path keystore, String password) {
        return new TlsConfig("", "", "", keystore.toString(), password, SUPPORTED_PROTOCOLS, Duration.ofSeconds(30));
    }

    /** The same files and passwords with other versions and another reload interval. */
    public TlsConfig with(List<String> protocols, Duration reloadInterval) {
        return new TlsConfig(certificate, key, keyPassword, keystore, keystorePassword, protocols, reloadInterval);
    }

    /** Whether the listener speaks TLS. */
    public boolean enabled() {
        return source().isPresent();
    }

    /** Where the certificate and key come from; empty without TLS. */
    public Optional<Source> source() {
        if (!keystore.isEmpty()) {
            return Optional.of(new Pkcs12(Path.of(keystore), keystorePassword));
        }
        if (!certificate.isEmpty()) {
            return Optional.of(new Pem(Path.of(certificate), Path.of(key), keyPassword));
        }
        return Optional.empty();
    }

    /** An item of {@code listen.tls.protocols}. */
    private static void checkProtocol(String protocol) {
        if (SUPPORTED_PROTOCOLS.contains(protocol)) {
            return;
        }
        String spelled = protocol.strip().toLowerCase(Locale.ROOT);
        if (spelled.startsWith("ssl")
                || spelled.equals("tlsv1")
                || spelled.equals("tlsv1.0")
                || spelled.equals("tlsv1.1")) {
            throw new ConfigException("is too old to be offered; use TLSv1.3 and/or TLSv1.2");
        }
        throw new ConfigException("must be TLSv1.3 or TLSv1.2");
    }

    /** The whole list of {@code listen.tls.protocols}. */
    private static void checkProtocols(List<String> protocols) {
        if (protocols.isEmpty()) {
            throw new ConfigException("must list at least one version");
        }
        if (new HashSet<>(protocols).size() != protocols.size()) {
            throw new ConfigException("must not list a version twice");
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[certificate=" + certificate + ", key=" + key + ", keyPassword="
                + Masking.secret(keyPassword) + ", keystore=" + keystore + ", keystorePassword="
                + Masking.secret(keystorePassword) + ", protocols=" + protocols + ", reloadInterval=" + reloadInterval
                + "]";
    }
}
