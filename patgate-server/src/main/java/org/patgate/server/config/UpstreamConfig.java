package org.patgate.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * The application behind the gateway ({@code upstream.*}): an absolute http(s) URL without
 * credentials, query or fragment, positive timeouts, and what product it is (whose preset gives the
 * {@code rest.*} defaults), and the file of the keys that encrypt the users' native credentials for
 * it ({@link #credentialKeyFile()}, read by {@link CredentialKeySource}). For an {@code https} upstream,
 * the certificates it is trusted by ({@code trustStore}: a PEM bundle or a PKCS#12 file, told apart
 * by content; empty: the JDK's trust) and whether its certificate must name its host
 * ({@code tlsVerifyHostname}). Declares its keys ({@link #KEYS}). Immutable and thread-safe.
 */
public record UpstreamConfig(
        URI url,
        Duration connectTimeout,
        Duration readTimeout,
        UpstreamProduct product,
        Path credentialKeyFile,
        String trustStore,
        String trustStorePassword,
        boolean tlsVerifyHostname) {

    /** The default place of the credential key file. */
    public static final Path DEFAULT_CREDENTIAL_KEY_FILE = Path.of("./data/upstream-credentials.key");

    /** A generic upstream. */
    public UpstreamConfig(URI url, Duration connectTimeout, Duration readTimeout) {
        this(url, connectTimeout, readTimeout, UpstreamProduct.GENERIC);
    }

    /** An upstream with the credential key file in its default place. */
    public UpstreamConfig(URI url, Duration connectTimeout, Duration readTimeout, UpstreamProduct product) {
        this(url, connectTimeout, readTimeout, product, DEFAULT_CREDENTIAL_KEY_FILE);
    }

    /** An upstream trusted by the JDK's certificates, its host name verified. */
    public UpstreamConfig(
            URI url, Duration connectTimeout, Duration readTimeout, UpstreamProduct product, Path credentialKeyFile) {
        this(url, connectTimeout, readTimeout, product, credentialKeyFile, "", "", true);
    }

    public static final Setting<UpstreamConfig, URI> URL = Setting.of(
            "upstream.url",
            new SettingType.Url(),
            URI.create("http://127.0.0.1:9000"),
            ConfigRules::httpUrl,
            UpstreamConfig::url,
            "The application behind the gateway: an absolute http(s) URL.");
    public static final Setting<UpstreamConfig, Duration> CONNECT_TIMEOUT = Setting.of(
            "upstream.connectTimeout",
            new SettingType.Span(),
            Duration.ofSeconds(5),
            ConfigRules::positive,
            UpstreamConfig::connectTimeout,
            "How long connecting to the upstream may take.");
    public static final Setting<UpstreamConfig, Duration> READ_TIMEOUT = Setting.of(
            "upstream.readTimeout",
            new SettingType.Span(),
            Duration.ofSeconds(60),
            ConfigRules::positive,
            UpstreamConfig::readTimeout,
            "How long the upstream may stay silent while answering.");
    public static final Setting<UpstreamConfig, UpstreamProduct> PRODUCT = Setting.of(
            "upstream.product",
            new SettingType.Choice<>(UpstreamProduct.class),
            UpstreamProduct.GENERIC,
            value -> {},
            UpstreamConfig::product,
            "What the upstream is; its preset gives the rest.* defaults.");
    public static final Setting<UpstreamConfig, Path> CREDENTIAL_KEY_FILE = Setting.of(
            "upstream.credentialKeyFile",
            new SettingType.FilePath(),
            DEFAULT_CREDENTIAL_KEY_FILE,
            value -> {},
            UpstreamConfig::credentialKeyFile,
            "Where the keys that encrypt the users' native upstream tokens are kept (created at first start).");
    public static final Setting<UpstreamConfig, String> TRUST_STORE = Setting.of(
            "upstream.trustStore",
            new SettingType.Text(),
            "",
            ConfigRules::optionalFilePath,
            UpstreamConfig::trustStore,
            "PEM bundle or PKCS#12 file with the certificates an https upstream is trusted by; empty: the JDK's.");
    public static final Setting<UpstreamConfig, String> TRUST_STORE_PASSWORD = Setting.secret(
            "upstream.trustStorePassword",
            "",
            value -> {},
            UpstreamConfig::trustStorePassword,
            "The password of a PKCS#12 upstream.trustStore.");
    public static final Setting<UpstreamConfig, Boolean> TLS_VERIFY_HOSTNAME = Setting.of(
            "upstream.tlsVerifyHostname",
            new SettingType.Flag(),
            true,
            value -> {},
            UpstreamConfig::tlsVerifyHostname,
            "Whether an https upstream's certificate must name the host of upstream.url.");
    /** Every {@code upstream.*} key. */
    public static final List<Setting<UpstreamConfig, ?>> KEYS = List.of(
            URL,
            CONNECT_TIMEOUT,
            READ_TIMEOUT,
            PRODUCT,
            CREDENTIAL_KEY_FILE,
            TRUST_STORE,
            TRUST_STORE_PASSWORD,
            TLS_VERIFY_HOSTNAME);

    public UpstreamConfig {
        PRODUCT.require(product);
        URL.require(url);
        CONNECT_TIMEOUT.require(connectTimeout);
        READ_TIMEOUT.require(readTimeout);
        CREDENTIAL_KEY_FILE.require(credentialKeyFile);
        TRUST_STORE.require(trustStore);
        TRUST_STORE_PASSWORD.require(trustStorePassword);
        List<String> problems = new ArrayList<>();
        if (!trustStore.isEmpty() && !"https".equalsIgnoreCase(url.getScheme())) {
            problems.add(TRUST_STORE.key() + ": set, but " + URL.key() + " is not https");
        }
        if (!trustStorePassword.isEmpty() && trustStore.isEmpty()) {
            problems.add(TRUST_STORE_PASSWORD.key() + ": set, but " + TRUST_STORE.key() + " is not");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Whether the upstream is reached over TLS. */
    public boolean https() {
        return "https".equalsIgnoreCase(url.getScheme());
    }

    /** The trust store file; empty: the JDK's default trust. */
    public Optional<Path> trustStoreFile() {
        return trustStore.isEmpty() ? Optional.empty() : Optional.of(Path.of(trustStore));
    }

    /** The same upstream trusted by {@code trustStore} (with its password), host name verified or not. */
    public UpstreamConfig withTrust(String trustStore, String trustStorePassword, boolean tlsVerifyHostname) {
        return new UpstreamConfig(
                url,
                connectTimeout,
                readTimeout,
                product,
                credentialKeyFile,
                trustStore,
                trustStorePassword,
                tlsVerifyHostname);
    }

    @Override
    public String toString() {
        return "UpstreamConfig[url=" + url + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", product=" + product + ", credentialKeyFile=" + credentialKeyFile + ", trustStore=" + trustStore
                + ", trustStorePassword=" + Masking.secret(trustStorePassword) + ", tlsVerifyHostname="
                + tlsVerifyHostname + "]";
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static UpstreamConfig from(Function<? super Setting<UpstreamConfig, ?>, Object> values) {
        return new UpstreamConfig(
                URL.pick(values),
                CONNECT_TIMEOUT.pick(values),
                READ_TIMEOUT.pick(values),
                PRODUCT.pick(values),
                CREDENTIAL_KEY_FILE.pick(values),
                TRUST_STORE.pick(values),
                TRUST_STORE_PASSWORD.pick(values),
                TLS_VERIFY_HOSTNAME.pick(values));
    }
}
