package org.patgate.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * The application behind the gateway ({@code upstream.*}): an absolute http(s) URL without
 * credentials, query or fragment, positive timeouts, and what product it is (whose preset gives the
 * {@code rest.*} defaults), and the file of the keys that encrypt the users' native credentials for
 * it ({@link #credentialKeyFile()}, read by {@link CredentialKeySource}). Declares its keys
 * ({@link #KEYS}). Immutable and thread-safe.
 */
public record UpstreamConfig(
        URI url, Duration connectTimeout, Duration readTimeout, UpstreamProduct product, Path credentialKeyFile) {

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
    /** Every {@code upstream.*} key. */
    public static final List<Setting<UpstreamConfig, ?>> KEYS =
            List.of(URL, CONNECT_TIMEOUT, READ_TIMEOUT, PRODUCT, CREDENTIAL_KEY_FILE);

    public UpstreamConfig {
        PRODUCT.require(product);
        URL.require(url);
        CONNECT_TIMEOUT.require(connectTimeout);
        READ_TIMEOUT.require(readTimeout);
        CREDENTIAL_KEY_FILE.require(credentialKeyFile);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static UpstreamConfig from(Function<? super Setting<UpstreamConfig, ?>, Object> values) {
        return new UpstreamConfig(
                URL.pick(values),
                CONNECT_TIMEOUT.pick(values),
                READ_TIMEOUT.pick(values),
                PRODUCT.pick(values),
                CREDENTIAL_KEY_FILE.pick(values));
    }
}
