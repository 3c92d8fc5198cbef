package org.patgate.server.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How to reach and read an LDAP or Active Directory server. Validated once in the constructor;
 * every problem is reported with its key under {@code directory.ldap} in one {@link ConfigException}.
 * Bad values are refused, never clamped. {@link #toString()} masks {@link #bindPassword()} and
 * {@link #trustStorePassword()}. Immutable and thread-safe.
 *
 * @param urls               {@code ldap://} or {@code ldaps://} host and port, tried in order (failover)
 * @param security           transport protection; {@code ldaps://} URLs require {@link Security#LDAPS}
 * @param trustStore         PKCS#12 or JKS file with the CA or server certificate; null: the JDK's trust store
 * @param trustStorePassword password of {@code trustStore}; null when it has none
 * @param bindDn             service account used for searches; null or blank: anonymous searches
 * @param bindPassword       service account password (secret); required with {@code bindDn}
 * @param userBaseDn         subtree searched for users
 * @param userFilter         user search filter with {@code {0}} where the (escaped) username goes
 * @param usernameAttribute  attribute holding the login name ({@code uid}, {@code sAMAccountName})
 * @param displayNameAttribute attribute holding the display name
 * @param emailAttribute     attribute holding the e-mail address
 * @param groupBaseDn        subtree that holds the groups PATgate considers
 * @param membership         how a user's groups are found
 * @param groupFilter        filter every group must match, e.g. {@code (objectClass=groupOfNames)}
 * @param groupNameAttribute attribute whose value is the group name PATgate uses ({@code cn})
 * @param nestedGroups       include groups reached through groups; {@link GroupMembership#AD_IN_CHAIN} is always nested
 * @param connectTimeout     TCP (and TLS handshake) connect timeout
 * @param responseTimeout    time allowed for any single LDAP operation
 * @param poolSize           maximum pooled service-account connections, 1..100
 * @param membershipCacheTtl how long a looked-up user and their groups are reused, 0..1h; 0 disables the cache
 */
public record LdapSettings(
        List<URI> urls,
        Security security,
        Path trustStore,
        String trustStorePassword,
        String bindDn,
        String bindPassword,
        String userBaseDn,
        String userFilter,
        String usernameAttribute,
        String displayNameAttribute,
        String emailAttribute,
        String groupBaseDn,
        GroupMembership membership,
        String groupFilter,
        String groupNameAttribute,
        boolean nestedGroups,
        Duration connectTimeout,
        Duration responseTimeout,
        int poolSize,
        Duration membershipCacheTtl) {

    /** Transport protection of every connection. */
    public enum Security {
        /** Plain LDAP: passwords cross the network in clear. Only for loopback or an already protected network. */
        NONE,
        /** TLS from the first byte ({@code ldaps://}, usually port 636). */
        LDAPS,
        /** Plain connection upgraded with the StartTLS extended operation before any bind. */
        STARTTLS
    }

    /** Where a user's group memberships are read from. */
    public enum GroupMembership {
        /** The user entry's {@code memberOf} values (AD; OpenLDAP with the memberof overlay). */
        MEMBER_OF,
        /** Groups whose {@code member} attribute holds the user DN ({@code groupOfNames}, AD groups). */
        MEMBER,
        /** Groups whose {@code uniqueMember} attribute holds the user DN ({@code groupOfUniqueNames}). */
        UNIQUE_MEMBER,
        /**
         * Active Directory's {@code LDAP_MATCHING_RULE_IN_CHAIN} (OID 1.2.840.113556.1.4.1941) on
         * {@code member}: the server returns direct and nested groups in one search.
         */
        AD_IN_CHAIN
    }

    private static final String KEY = "directory.ldap.";
    private static final Duration MAX_CACHE_TTL = Duration.ofHours(1);

    public LdapSettings {
        urls = urls == null ? List.of() : List.copyOf(urls);
        List<String> problems = new ArrayList<>();
        if (security == null) {
            problems.add(KEY + "security: required, one of NONE, LDAPS, STARTTLS");
        }
        if (urls.isEmpty()) {
            problems.add(KEY + "urls: at least one ldap:// or ldaps:// URL is required");
        }
        for (URI url : urls) {
            checkUrl(url, security, problems);
        }
        if (trustStore != null && security == Security.NONE) {
            problems.add(KEY + "trustStore: set, but security is NONE; choose LDAPS or STARTTLS");
        }
        boolean hasBindDn = bindDn != null && !bindDn.isBlank();
        if (hasBindDn) {
            checkDn("bindDn", bindDn, problems);
            if (bindPassword == null || bindPassword.isEmpty()) {
                problems.add(KEY + "bindPassword: required when bindDn is set");
            }
        } else if (bindPassword != null && !bindPassword.isEmpty()) {
            problems.add(KEY + "bindPassword: set, but bindDn is empty");
        }
        checkDn("userBaseDn", userBaseDn, problems);
        checkFilter("userFilter", userFilter, true, problems);
        checkAttribute("usernameAttribute", usernameAttribute, problems);
        checkAttribute("displayNameAttribute", displayNameAttribute, problems);
        checkAttribute("emailAttribute", emailAttribute, problems);
        checkDn("groupBaseDn", groupBaseDn, problems);
        if (membership == null) {
            problems.add(KEY + "membership: required, one of MEMBER_OF, MEMBER, UNIQUE_MEMBER, AD_IN_CHAIN");
        } else if (membership == GroupMembership.AD_IN_CHAIN && !nestedGroups) {
            problems.add(KEY + "nestedGroups: AD_IN_CHAIN always resolves nested groups; set nestedGroups "
                    + "to true or use membership MEMBER");
        }
        checkFilter("groupFilter", groupFilter, false, problems);
        checkAttribute("groupNameAttribute", groupNameAttribute, problems);
        checkPositive("connectTimeout", connectTimeout, problems);
        checkPositive("responseTimeout", responseTimeout, problems);
        if (poolSize < 1 || poolSize > 100) {
            problems.add(KEY + "poolSize: must be 1..100, got " + poolSize);
        }
        if (membershipCacheTtl == null
                || membershipCacheTtl.isNegative()
                || membershipCacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            problems.add(KEY + "membershipCacheTtl: must be 0s..1h (removed members keep access that long), got "
                    + membershipCacheTtl);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        bindDn = hasBindDn ? bindDn : null;
        bindPassword = hasBindDn ? bindPassword : null;
    }

    /**
     * OpenLDAP defaults: {@code inetOrgPerson} users under {@code ou=people}, {@code groupOfNames}
     * under {@code ou=groups}, membership by {@code member}, nested groups expanded by PATgate.
     * Security follows the first URL's scheme ({@code ldaps://}: LDAPS, otherwise NONE).
     */
    public static LdapSettings openLdapPreset(List<URI> urls, String bindDn, String bindPassword, String baseDn) {
        return new LdapSettings(
                urls,
                securityOf(urls),
                null,
                null,
                bindDn,
                bindPassword,
                "ou=people," + baseDn,
                "(&(objectClass=inetOrgPerson)(uid={0}))",
                "uid",
                "cn",
                "mail",
                "ou=groups," + baseDn,
                GroupMembership.MEMBER,
                "(objectClass=groupOfNames)",
                "cn",
                true,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                4,
                Duration.ofSeconds(60));
    }

    /**
     * Active Directory defaults: users by {@code sAMAccountName} anywhere under {@code baseDn}
     * (computer accounts excluded), groups by {@code LDAP_MATCHING_RULE_IN_CHAIN}, which the
     * domain controller evaluates, so nested groups cost one search.
     */
    public static LdapSettings activeDirectoryPreset(
            List<URI> urls, String bindDn, String bindPassword, String baseDn) {
        return new LdapSettings(
                urls,
                securityOf(urls),
                null,
                null,
                bindDn,
                bindPassword,
                baseDn,
                "(&(objectClass=user)(!(objectClass=computer))(sAMAccountName={0}))",
                "sAMAccountName",
                "displayName",
                "mail",
                baseDn,
                GroupMembership.AD_IN_CHAIN,
                "(objectClass=group)",
                "cn",
                true,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                4,
                Duration.ofSeconds(60));
    }

    /** A copy with other server URLs (same security). */
    public LdapSettings withUrls(List<URI> newUrls) {
        return new LdapSettings(
                newUrls,
                security,
                trustStore,
                trustStorePassword,
                bindDn,
                bindPassword,
                userBaseDn,
                userFilter,
                usernameAttribute,
                displayNameAttribute,
                emailAttribute,
                groupBaseDn,
                membership,
                groupFilter,
                groupNameAttribute,
                nestedGroups,
                connectTimeout,
                responseTimeout,
                poolSize,
                membershipCacheTtl);
    }

    /** A copy with another transport protection and trust store. */
    public LdapSettings withSecurity(Security newSecurity, Path newTrustStore, String newTrustStorePassword) {
        return new LdapSettings(
                urls,
                newSecurity,
                newTrustStore,
                newTrustStorePassword,
                bindDn,
                bindPassword,
                userBaseDn,
                userFilter,
                usernameAttribute,
                displayNameAttribute,
                emailAttribute,
                groupBaseDn,
                membership,
                groupFilter,
                groupNameAttribute,
                nestedGroups,
                connectTimeout,
                responseTimeout,
                poolSize,
                membershipCacheTtl);
    }

    /** A copy with another way of finding groups. */
    public LdapSettings withMembership(GroupMembership newMembership, String newGroupFilter, boolean nested) {
        return new LdapSettings(
                urls,
                security,
                trustStore,
                trustStorePassword,
                bindDn,
                bindPassword,
                userBaseDn,
                userFilter,
                usernameAttribute,
                displayNameAttribute,
                emailAttribute,
                groupBaseDn,
                newMembership,
                newGroupFilter,
                groupNameAttribute,
                nested,
                connectTimeout,
                responseTimeout,
                poolSize,
                membershipCacheTtl);
    }

    /** A copy with other timeouts and membership cache lifetime. */
    public LdapSettings withTimeouts(Duration newConnectTimeout, Duration newResponseTimeout, Duration cacheTtl) {
        return new LdapSettings(
                urls,
                security,
                trustStore,
                trustStorePassword,
                bindDn,
                bindPassword,
                userBaseDn,
                userFilter,
                usernameAttribute,
                displayNameAttribute,
                emailAttribute,
                groupBaseDn,
                membership,
                groupFilter,
                groupNameAttribute,
                nestedGroups,
                newConnectTimeout,
                newResponseTimeout,
                poolSize,
                cacheTtl);
    }

    @Override
    public String toString() {
        return "LdapSettings[urls=" + urls + ", security=" + security + ", trustStore=" + trustStore
                + ", trustStorePassword=" + mask(trustStorePassword) + ", bindDn=" + bindDn
                + ", bindPassword=" + mask(bindPassword) + ", userBaseDn=" + userBaseDn
                + ", userFilter=" + userFilter + ", usernameAttribute=" + usernameAttribute
                + ", displayNameAttribute=" + displayNameAttribute + ", emailAttribute=" + emailAttribute
                + ", groupBaseDn=" + groupBaseDn + ", membership=" + membership + ", groupFilter=" + groupFilter
                + ", groupNameAttribute=" + groupNameAttribute + ", nestedGroups=" + nestedGroups
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", poolSize=" + poolSize + ", membershipCacheTtl=" + membershipCacheTtl + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "****";
    }

    private static Security securityOf(List<URI> urls) {
        boolean ldaps = urls != null
                && !urls.isEmpty()
                && urls.getFirst() != null
                && "ldaps".equalsIgnoreCase(urls.getFirst().getScheme());
        return ldaps ? Security.LDAPS : Security.NONE;
    }

    private static void checkUrl(URI url, Security security, List<String> problems) {
        String scheme =
                url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ldap") && !scheme.equals("ldaps") || url.getHost() == null) {
            problems.add(KEY + "urls: must be ldap://host[:port] or ldaps://host[:port], got " + url);
            return;
        }
        if (url.getPort() > 65535
                || (url.getPath() != null
                        && !url.getPath().isEmpty()
                        && !url.getPath().equals("/"))
                || url.getUserInfo() != null
                || url.getQuery() != null) {
            problems.add(KEY + "urls: only scheme, host and port are allowed, got " + url);
        }
        if (security != null && scheme.equals("ldaps") != (security == Security.LDAPS)) {
            problems.add(KEY + "urls: " + url + " does not match security " + security
                    + " (ldaps:// needs LDAPS; NONE and STARTTLS use ldap://)");
        }
    }

    private static void checkDn(String key, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(KEY + key + ": required");
        } else if (!DN.isValidDN(value)) {
            problems.add(KEY + key + ": not a valid DN: " + value);
        }
    }

    private static void checkFilter(String key, String value, boolean needsPlaceholder, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(KEY + key + ": required");
            return;
        }
        if (needsPlaceholder && !value.contains("{0}")) {
            problems.add(KEY + key + ": must contain {0} where the username goes, got " + value);
        }
        try {
            Filter.create(value.replace("{0}", "x"));
        } catch (LDAPException e) {
            problems.add(KEY + key + ": not a valid LDAP filter (RFC 4515): " + value);
        }
    }

    private static void checkAttribute(String key, String value, List<String> problems) {
        // RFC 4512 §1.4: descr (letter then letters, digits, hyphens) or a numeric OID.
        if (value == null || !value.matches("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)*")) {
            problems.add(KEY + key + ": must be an attribute name, got " + value);
        }
    }

    private static void checkPositive(String key, Duration value, List<String> problems) {
        if (value == null || value.isZero() || value.isNegative()) {
            problems.add(KEY + key + ": must be a positive duration, got " + value);
        } else if (value.toMillis() > Integer.MAX_VALUE) {
            problems.add(KEY + key + ": too long, got " + value);
        }
    }
}
