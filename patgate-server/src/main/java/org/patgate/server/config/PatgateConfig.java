package org.patgate.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.patgate.server.config.internal.ConfigKeys;
import org.patgate.server.config.internal.ConfigLoader;
import org.patgate.server.config.internal.MaskedYaml;
import org.patgate.server.config.internal.TrustRules;

/**
 * The complete, validated configuration of one PATgate node: loaded once at start from a YAML file
 * and {@code PATGATE_*} environment variables, then frozen. Immutable and thread-safe.
 *
 * <p>Every key can be overridden by {@code PATGATE_} + its path upper-cased with dots as underscores
 * ({@code upstream.url} → {@code PATGATE_UPSTREAM_URL}, {@code rest.passwordAuth} →
 * {@code PATGATE_REST_PASSWORDAUTH}); list values from the environment are comma-separated. The
 * environment wins over the file, the file over the defaults. Unknown keys and unknown
 * {@code PATGATE_} variables (except {@link #LAUNCHER_ENV}) are errors, so typos never go unnoticed.
 * See docs/configuration.md for every key.
 */
public record PatgateConfig(
        ListenConfig listen,
        UpstreamConfig upstream,
        DatabaseConfig database,
        RestConfig rest,
        IdentityConfig identity,
        List<String> trustedProxies,
        BootstrapConfig bootstrap,
        TokensConfig tokens,
        AdminConfig admin,
        ApiConfig api,
        ActivityConfig activity,
        DirectoryConfig directory,
        LimitsConfig limits,
        MetricsConfig metrics,
        NotificationsConfig notifications,
        ClusterConfig cluster) {

    /**
     * {@code trustedProxies}: the only top-level key; the others are declared by their sections' records.
     * Declared before {@link #LAUNCHER_ENV}, whose initialisation reads every declaration.
     */
    public static final Setting<PatgateConfig, List<String>> TRUSTED_PROXIES = new Setting<>(
            "trustedProxies",
            new SettingType.Texts(TrustRules::trustedProxy),
            product -> List.of(),
            value -> {},
            PatgateConfig::trustedProxies,
            false,
            "Trusted proxies",
            "Addresses or CIDR ranges of proxies whose X-Forwarded-For is believed.");

    /**
     * {@code PATGATE_} variables used by the launcher and CLI rather than the configuration
     * ({@code PATGATE_JAVA_OPTS}, {@code PATGATE_HEAP}, {@code PATGATE_CONFIG}, {@code PATGATE_HOME},
     * {@code PATGATE_URL}, {@code PATGATE_USER}, {@code PATGATE_PASSWORD}, {@code PATGATE_TOKEN});
     * {@link #load} ignores them.
     */
    public static final Set<String> LAUNCHER_ENV = ConfigKeys.LAUNCHER_ENV;

    public PatgateConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(identity, "identity");
        trustedProxies = TRUSTED_PROXIES.require(trustedProxies);
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(cluster, "cluster");
    }

    /**
     * As the canonical constructor, with the defaults of every section after {@code api}: activity,
     * local users only, limits, metrics, notifications (no mail) and cluster.
     */
    public PatgateConfig(
            ListenConfig listen,
            UpstreamConfig upstream,
            DatabaseConfig database,
            RestConfig rest,
            IdentityConfig identity,
            List<String> trustedProxies,
            BootstrapConfig bootstrap,
            TokensConfig tokens,
            AdminConfig admin,
            ApiConfig api) {
        this(
                listen,
                upstream,
                database,
                rest,
                identity,
                trustedProxies,
                bootstrap,
                tokens,
                admin,
                api,
                ActivityConfig.defaults(),
                DirectoryConfig.localOnly(),
                LimitsConfig.defaults(),
                MetricsConfig.defaults(),
                NotificationsConfig.defaults(),
                ClusterConfig.defaults());
    }

    /**
     * Loads and validates the configuration.
     *
     * @param yamlFile the YAML file, or {@code null} for defaults plus environment only
     * @param env      the environment, usually {@code System.getenv()}; only {@code PATGATE_*} names matter
     * @throws ConfigException listing every problem, one per line, each naming its key
     */
    public static PatgateConfig load(Path yamlFile, Map<String, String> env) {
        return ConfigLoader.load(yamlFile, Objects.requireNonNull(env, "env"));
    }

    /** The built-in defaults; same as {@code load(null, Map.of())}. */
    public static PatgateConfig defaults() {
        return load(null, Map.of());
    }

    /**
     * The effective configuration as YAML in the file's own syntax, for logging and support. Secrets
     * (passwords, pepper, a password inside the JDBC URL) appear as {@code ******} when set and
     * {@code ""} when unset. Without secrets set, the output loads back to an equal configuration.
     */
    public String toMaskedYaml() {
        return MaskedYaml.write(this);
    }
}
