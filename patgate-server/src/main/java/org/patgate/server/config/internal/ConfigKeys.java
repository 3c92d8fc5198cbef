package org.patgate.server.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.patgate.server.config.ActivityConfig;
import org.patgate.server.config.AdminConfig;
import org.patgate.server.config.ApiConfig;
import org.patgate.server.config.BootstrapConfig;
import org.patgate.server.config.ClusterConfig;
import org.patgate.server.config.DatabaseConfig;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.config.MetricsConfig;
import org.patgate.server.config.NotificationsConfig;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;
import org.patgate.server.config.TokensConfig;
import org.patgate.server.config.UpstreamConfig;

/**
 * Every configuration key PATgate knows, with its environment variable name. The single source of
 * truth for unknown-key detection, env overrides, masking and the documentation test. Keys declared
 * as {@link Setting}s ({@link #DECLARED}: {@link RestKeys} and the {@code KEYS} of the other
 * configuration records) are taken from their declarations; the others are listed here.
 */
public final class ConfigKeys {

    /** Whether a key holds one value or a list (comma-separated when it comes from the environment). */
    public enum Shape {
        SCALAR,
        LIST
    }

    /** One key: its dotted path, shape and whether its value must never be shown. */
    public record Key(String path, Shape shape, boolean secret) {
        /** {@code PATGATE_} + the path upper-cased with dots as underscores; no camel-case splitting. */
        public String envName() {
            return ENV_PREFIX + path.replace('.', '_').toUpperCase(Locale.ROOT);
        }

        /** The key of a declared setting. */
        static Key of(Setting<?, ?> setting) {
            return new Key(setting.key(), setting.type().list() ? Shape.LIST : Shape.SCALAR, setting.secret());
        }
    }

    public static final String ENV_PREFIX = "PATGATE_";

    /**
     * {@code PATGATE_} variables that belong to the launcher and the CLI, not to the configuration.
     * They are ignored by the loader instead of being refused as typos.
     */
    public static final Set<String> LAUNCHER_ENV = Set.of(
            "PATGATE_JAVA_OPTS",
            "PATGATE_HEAP",
            "PATGATE_CONFIG",
            "PATGATE_HOME",
            "PATGATE_URL",
            "PATGATE_USER",
            "PATGATE_PASSWORD",
            "PATGATE_TOKEN",
            "PATGATE_NEW_PASSWORD",
            "PATGATE_DEBUG",
            "PATGATE_JAR",
            "PATGATE_AOT",
            "PATGATE_JDK_SEARCH");

    /** Every key declared as a {@link Setting}, family by family. */
    public static final List<Setting<?, ?>> DECLARED = Stream.<List<? extends Setting<?, ?>>>of(
                    ListenConfig.KEYS,
                    UpstreamConfig.KEYS,
                    DatabaseConfig.KEYS,
                    RestKeys.ALL,
                    List.of(PatgateConfig.TRUSTED_PROXIES),
                    BootstrapConfig.KEYS,
                    TokensConfig.KEYS,
                    AdminConfig.KEYS,
                    ApiConfig.KEYS,
                    ActivityConfig.KEYS,
                    LimitsConfig.KEYS,
                    MetricsConfig.KEYS,
                    NotificationsConfig.KEYS,
                    ClusterConfig.KEYS)
            .<Setting<?, ?>>flatMap(List::stream)
            .toList();

    public static final List<Key> ALL = Stream.of(
                    ListenConfig.KEYS.stream().map(Key::of),
                    UpstreamConfig.KEYS.stream().map(Key::of),
                    DatabaseConfig.KEYS.stream().map(Key::of),
                    RestKeys.ALL.stream().map(Key::of),
                    Stream.of(
                            scalar("identity.mode"),
                            scalar("identity.header"),
                            scalar("identity.jwt.issuer"),
                            scalar("identity.jwt.audience"),
                            scalar("identity.jwt.lifetime"),
                            scalar("identity.jwt.keyRotation"),
                            scalar("identity.nativeTokenLifetime")),
                    Stream.of(Key.of(PatgateConfig.TRUSTED_PROXIES)),
                    BootstrapConfig.KEYS.stream().map(Key::of),
                    TokensConfig.KEYS.stream().map(Key::of),
                    AdminConfig.KEYS.stream().map(Key::of),
                    ApiConfig.KEYS.stream().map(Key::of),
                    ActivityConfig.KEYS.stream().map(Key::of),
                    LimitsConfig.KEYS.stream().map(Key::of),
                    MetricsConfig.KEYS.stream().map(Key::of),
                    NotificationsConfig.KEYS.stream().map(Key::of),
                    ClusterConfig.KEYS.stream().map(Key::of),
                    Stream.of(
                            scalar("directory.ldap.preset"),
                            list("directory.ldap.urls"),
                            scalar("directory.ldap.security"),
                            scalar("directory.ldap.trustStore"),
                            secret("directory.ldap.trustStorePassword"),
                            scalar("directory.ldap.bindDn"),
                            secret("directory.ldap.bindPassword"),
                            scalar("directory.ldap.userBaseDn"),
                            scalar("directory.ldap.userFilter"),
                            scalar("directory.ldap.usernameAttribute"),
                            scalar("directory.ldap.displayNameAttribute"),
                            scalar("directory.ldap.emailAttribute"),
                            scalar("directory.ldap.groupBaseDn"),
                            scalar("directory.ldap.membership"),
                            scalar("directory.ldap.groupFilter"),
                            scalar("directory.ldap.groupNameAttribute"),
                            scalar("directory.ldap.nestedGroups"),
                            scalar("directory.ldap.connectTimeout"),
                            scalar("directory.ldap.responseTimeout"),
                            scalar("directory.ldap.poolSize"),
                            scalar("directory.ldap.membershipCacheTtl")))
            .flatMap(keys -> keys)
            .toList();

    private static final Map<String, Key> BY_PATH = new LinkedHashMap<>();
    private static final Map<String, Key> BY_ENV = new LinkedHashMap<>();

    static {
        for (Key key : ALL) {
            BY_PATH.put(key.path(), key);
            BY_ENV.put(key.envName(), key);
        }
    }

    private ConfigKeys() {}

    public static Optional<Key> byPath(String path) {
        return Optional.ofNullable(BY_PATH.get(path));
    }

    public static Optional<Key> byEnvName(String envName) {
        return Optional.ofNullable(BY_ENV.get(envName));
    }

    /** Whether {@code name} is a section that holds keys ({@code listen}, {@code tokens}, ...). */
    public static boolean isSection(String name) {
        String prefix = name + ".";
        return ALL.stream().anyMatch(key -> key.path().startsWith(prefix));
    }

    /** The closest known key path or env name within two edits, to suggest for a typo. */
    public static Optional<String> suggestion(String unknown, boolean envNames) {
        String best = null;
        int bestDistance = 3;
        for (Key key : ALL) {
            String candidate = envNames ? key.envName() : key.path();
            int distance = editDistance(unknown.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Key scalar(String path) {
        return new Key(path, Shape.SCALAR, false);
    }

    private static Key secret(String path) {
        return new Key(path, Shape.SCALAR, true);
    }

    private static Key list(String path) {
        return new Key(path, Shape.LIST, false);
    }
}
