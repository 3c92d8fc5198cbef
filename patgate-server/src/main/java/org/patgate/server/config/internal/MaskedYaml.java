package org.patgate.server.config.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.config.ActivityConfig;
import org.patgate.server.config.AdminConfig;
import org.patgate.server.config.ApiConfig;
import org.patgate.server.config.BootstrapConfig;
import org.patgate.server.config.ClusterConfig;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.DatabaseConfig;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.config.MetricsConfig;
import org.patgate.server.config.NotificationsConfig;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;
import org.patgate.server.config.TokensConfig;
import org.patgate.server.config.UpstreamConfig;

/** Writes a configuration as YAML with secrets masked; see {@link PatgateConfig#toMaskedYaml()}. */
public final class MaskedYaml {

    // Strings are always quoted so values like "no" or "0123" read back as written.
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());

    private MaskedYaml() {}

    public static String write(PatgateConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("listen", declared(config.listen(), ListenConfig.KEYS));
        root.put("upstream", declared(config.upstream(), UpstreamConfig.KEYS));
        root.put("database", declared(config.database(), DatabaseConfig.KEYS));
        root.put("rest", declared(config.rest(), RestKeys.ALL));
        root.put(
                "identity",
                section(
                        "mode",
                        lower(config.identity().mode()),
                        "header",
                        config.identity().header(),
                        "jwt",
                        section(
                                "issuer",
                                config.identity().jwt().issuer(),
                                "audience",
                                config.identity().jwt().audience(),
                                "lifetime",
                                Durations.format(config.identity().jwt().lifetime()),
                                "keyRotation",
                                Durations.format(config.identity().jwt().keyRotation()))));
        root.put(PatgateConfig.TRUSTED_PROXIES.field(), PatgateConfig.TRUSTED_PROXIES.wireValueIn(config));
        root.put("bootstrap", declared(config.bootstrap(), BootstrapConfig.KEYS));
        root.put("tokens", declared(config.tokens(), TokensConfig.KEYS));
        root.put("admin", declared(config.admin(), AdminConfig.KEYS));
        root.put("api", declared(config.api(), ApiConfig.KEYS));
        root.put("activity", declared(config.activity(), ActivityConfig.KEYS));
        root.put("limits", declared(config.limits(), LimitsConfig.KEYS));
        root.put("metrics", declared(config.metrics(), MetricsConfig.KEYS));
        root.put("notifications", declared(config.notifications(), NotificationsConfig.KEYS));
        root.put("cluster", declared(config.cluster(), ClusterConfig.KEYS));
        config.directory().ldap().ifPresent(ldap -> root.put("directory", section("ldap", ldap(ldap))));
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new ConfigException("cannot print the configuration: " + e.getOriginalMessage(), e);
        }
    }

    /** Every LDAP key, explicit (no {@code preset}), so the output shows exactly what is used. */
    private static Map<String, Object> ldap(LdapSettings ldap) {
        return section(
                "urls", ldap.urls().stream().map(Object::toString).toList(),
                "security", lower(ldap.security()),
                "trustStore", ldap.trustStore() == null ? "" : ldap.trustStore().toString(),
                "trustStorePassword", Masking.secret(ldap.trustStorePassword()),
                "bindDn", ldap.bindDn() == null ? "" : ldap.bindDn(),
                "bindPassword", Masking.secret(ldap.bindPassword()),
                "userBaseDn", ldap.userBaseDn(),
                "userFilter", ldap.userFilter(),
                "usernameAttribute", ldap.usernameAttribute(),
                "displayNameAttribute", ldap.displayNameAttribute(),
                "emailAttribute", ldap.emailAttribute(),
                "groupBaseDn", ldap.groupBaseDn(),
                "membership", lower(ldap.membership()),
                "groupFilter", ldap.groupFilter(),
                "groupNameAttribute", ldap.groupNameAttribute(),
                "nestedGroups", ldap.nestedGroups(),
                "connectTimeout", Durations.format(ldap.connectTimeout()),
                "responseTimeout", Durations.format(ldap.responseTimeout()),
                "poolSize", ldap.poolSize(),
                "membershipCacheTtl", Durations.format(ldap.membershipCacheTtl()));
    }

    /**
     * A section of declared settings, in declaration order, secrets masked; a key with more parts
     * ({@code listen.tls.key}) goes into a nested section ({@code tls}).
     */
    private static <C> Map<String, Object> declared(C config, List<Setting<C, ?>> settings) {
        Map<String, Object> section = new LinkedHashMap<>();
        for (Setting<C, ?> setting : settings) {
            Object value = setting.wireValueIn(config);
            String[] parts = setting.key().split("\\.");
            Map<String, Object> parent = section;
            for (int i = 1; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nested =
                        (Map<String, Object>) parent.computeIfAbsent(parts[i], name -> new LinkedHashMap<>());
                parent = nested;
            }
            // A secret is masked whole; a URL may carry a password (";PASSWORD=", "user:secret@"), masked in place.
            parent.put(
                    setting.field(),
                    setting.secret()
                            ? Masking.secret(String.valueOf(value))
                            : setting.key().endsWith(".url") && value instanceof String url ? Masking.url(url) : value);
        }
        return section;
    }

    private static Map<String, Object> section(Object... namesAndValues) {
        Map<String, Object> section = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            section.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return section;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
