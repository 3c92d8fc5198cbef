package org.patgate.server.config.internal;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.DirectoryConfig;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LdapSettings.GroupMembership;
import org.patgate.server.config.LdapSettings.Security;

/**
 * Reads the {@code directory.ldap.*} keys. The section is off until {@code urls} is set; setting any
 * other key to a non-default value without {@code urls} is an error rather than silently ignored.
 * {@code preset} only chooses the defaults of the filter, attribute and membership keys, so an
 * Active Directory needs just its URLs, service account and base DNs. Cross-key rules are
 * {@link LdapSettings}'s. Stateless.
 */
final class LdapKeys {

    private static final String KEY = "directory.ldap.";

    /** The server family whose usual schema supplies the defaults. YAML: {@code openldap} | {@code activedirectory}. */
    enum Preset {
        OPENLDAP(
                "(&(objectClass=inetOrgPerson)(uid={0}))",
                "uid", "cn", GroupMembership.MEMBER, "(objectClass=groupOfNames)"),
        ACTIVEDIRECTORY(
                "(&(objectClass=user)(!(objectClass=computer))(sAMAccountName={0}))",
                "sAMAccountName", "displayName", GroupMembership.AD_IN_CHAIN, "(objectClass=group)");

        final String userFilter;
        final String usernameAttribute;
        final String displayNameAttribute;
        final GroupMembership membership;
        final String groupFilter;

        Preset(
                String userFilter,
                String usernameAttribute,
                String displayNameAttribute,
                GroupMembership membership,
                String groupFilter) {
            this.userFilter = userFilter;
            this.usernameAttribute = usernameAttribute;
            this.displayNameAttribute = displayNameAttribute;
            this.membership = membership;
            this.groupFilter = groupFilter;
        }
    }

    private LdapKeys() {}

    static DirectoryConfig read(ConfigReader in, List<String> problems) {
        Preset preset = in.choice(KEY + "preset", Preset.OPENLDAP, Preset.class);
        // Key (without the prefix) to [value, default], in documentation order.
        Map<String, Object[]> values = new LinkedHashMap<>();
        List<String> urls = in.list(KEY + "urls", List.of(), ConfigRules::ldapUrl);
        put(values, "preset", preset, Preset.OPENLDAP);
        put(values, "security", in.choice(KEY + "security", Security.STARTTLS, Security.class), Security.STARTTLS);
        put(values, "trustStore", in.text(KEY + "trustStore", "", LdapKeys::filePath), "");
        put(values, "trustStorePassword", in.text(KEY + "trustStorePassword", "", value -> {}), "");
        put(values, "bindDn", in.text(KEY + "bindDn", "", ConfigRules::plainText), "");
        put(values, "bindPassword", in.text(KEY + "bindPassword", "", value -> {}), "");
        put(values, "userBaseDn", in.text(KEY + "userBaseDn", "", ConfigRules::plainText), "");
        put(
                values,
                "userFilter",
                in.text(KEY + "userFilter", preset.userFilter, ConfigRules::plainText),
                preset.userFilter);
        put(
                values,
                "usernameAttribute",
                in.text(KEY + "usernameAttribute", preset.usernameAttribute, ConfigRules::plainText),
                preset.usernameAttribute);
        put(
                values,
                "displayNameAttribute",
                in.text(KEY + "displayNameAttribute", preset.displayNameAttribute, ConfigRules::plainText),
                preset.displayNameAttribute);
        put(values, "emailAttribute", in.text(KEY + "emailAttribute", "mail", ConfigRules::plainText), "mail");
        put(values, "groupBaseDn", in.text(KEY + "groupBaseDn", "", ConfigRules::plainText), "");
        put(
                values,
                "membership",
                in.choice(KEY + "membership", preset.membership, GroupMembership.class),
                preset.membership);
        put(
                values,
                "groupFilter",
                in.text(KEY + "groupFilter", preset.groupFilter, ConfigRules::plainText),
                preset.groupFilter);
        put(values, "groupNameAttribute", in.text(KEY + "groupNameAttribute", "cn", ConfigRules::plainText), "cn");
        put(values, "nestedGroups", in.bool(KEY + "nestedGroups", true), true);
        put(
                values,
                "connectTimeout",
                in.duration(KEY + "connectTimeout", Duration.ofSeconds(5), ConfigRules::positive),
                Duration.ofSeconds(5));
        put(
                values,
                "responseTimeout",
                in.duration(KEY + "responseTimeout", Duration.ofSeconds(10), ConfigRules::positive),
                Duration.ofSeconds(10));
        put(values, "poolSize", in.integer(KEY + "poolSize", 4, ConfigRules.range(1, 100)), 4);
        put(
                values,
                "membershipCacheTtl",
                in.duration(KEY + "membershipCacheTtl", Duration.ofSeconds(60), ConfigRules::notNegative),
                Duration.ofSeconds(60));

        if (urls.isEmpty()) {
            values.entrySet().stream()
                    .filter(e -> !Objects.equals(e.getValue()[0], e.getValue()[1]))
                    .findFirst()
                    .ifPresent(e -> problems.add(KEY + "urls: required to use an LDAP directory; " + KEY + e.getKey()
                            + " is set but no server is given"));
            return DirectoryConfig.localOnly();
        }
        try {
            String trustStore = (String) value(values, "trustStore");
            return DirectoryConfig.withLdap(new LdapSettings(
                    urls.stream().map(URI::create).toList(),
                    (Security) value(values, "security"),
                    trustStore.isEmpty() ? null : Path.of(trustStore),
                    emptyToNull(value(values, "trustStorePassword")),
                    emptyToNull(value(values, "bindDn")),
                    emptyToNull(value(values, "bindPassword")),
                    (String) value(values, "userBaseDn"),
                    (String) value(values, "userFilter"),
                    (String) value(values, "usernameAttribute"),
                    (String) value(values, "displayNameAttribute"),
                    (String) value(values, "emailAttribute"),
                    (String) value(values, "groupBaseDn"),
                    (GroupMembership) value(values, "membership"),
                    (String) value(values, "groupFilter"),
                    (String) value(values, "groupNameAttribute"),
                    (Boolean) value(values, "nestedGroups"),
                    (Duration) value(values, "connectTimeout"),
                    (Duration) value(values, "responseTimeout"),
                    (Integer) value(values, "poolSize"),
                    (Duration) value(values, "membershipCacheTtl")));
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return DirectoryConfig.localOnly();
        }
    }

    private static void put(Map<String, Object[]> values, String key, Object value, Object fallback) {
        values.put(key, new Object[] {value, fallback});
    }

    private static Object value(Map<String, Object[]> values, String key) {
        return values.get(key)[0];
    }

    private static String emptyToNull(Object value) {
        String text = (String) value;
        return text == null || text.isEmpty() ? null : text;
    }

    private static void filePath(String text) {
        ConfigRules.plainText(text);
        try {
            Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException("must be a valid file path");
        }
    }
}
