package org.patgate.server.config;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * The {@code rest.*} keys, each declared once: where tokens are enforced, whether passwords are
 * refused there (and who is exempt), whether requests without credentials pass, the POST endpoints a
 * read-only token may call, where the REST API may be used from, and which cookies are the upstream's
 * sessions. {@link RestConfig} holds their values; administrators may change each at runtime.
 * {@link #ALL} is in the order the API, the UI and change reports list them.
 */
public final class RestKeys {

    public static final Setting<RestConfig, RestConfig.PasswordAuth> PASSWORD_AUTH = new Setting<>(
            "rest.passwordAuth",
            new SettingType.Choice<>(RestConfig.PasswordAuth.class),
            product -> RestConfig.PasswordAuth.BLOCK,
            value -> {},
            RestConfig::passwordAuth,
            false,
            "Password authentication on REST paths",
            "Block: a password (HTTP Basic) on a REST path is refused with 401; "
                    + "scripts must use a personal access token.");

    public static final Setting<RestConfig, List<String>> PATHS = list(
            "rest.paths",
            ConfigRules::pathPattern,
            UpstreamProduct::restPaths,
            RestKeys::atLeastOne,
            RestConfig::paths,
            "REST paths",
            "Path patterns where tokens are enforced, one per line, e.g. /rest/**.");

    public static final Setting<RestConfig, List<String>> READ_ONLY_POSTS = list(
            "rest.readOnlyPosts",
            ConfigRules::pathPattern,
            UpstreamProduct::readOnlyPosts,
            value -> {},
            RestConfig::readOnlyPosts,
            "Read-only POST endpoints",
            "POST endpoints a read-only token may call because they only read, one per line.");

    public static final Setting<RestConfig, RestConfig.Anonymous> ANONYMOUS = new Setting<>(
            "rest.anonymous",
            new SettingType.Choice<>(RestConfig.Anonymous.class),
            product -> RestConfig.Anonymous.DENY,
            value -> {},
            RestConfig::anonymous,
            false,
            "Anonymous requests",
            "Whether requests without any credentials may reach the REST paths.");

    public static final Setting<RestConfig, List<String>> PASSWORD_EXEMPT_USERS = list(
            "rest.passwordExemptUsers",
            ConfigRules::name,
            product -> List.of(),
            value -> {},
            RestConfig::passwordExemptUsers,
            "Users exempt from the password block",
            "Usernames that may still use a password, one per line (e.g. a legacy integration).");

    public static final Setting<RestConfig, List<String>> PASSWORD_EXEMPT_GROUPS = list(
            "rest.passwordExemptGroups",
            ConfigRules::name,
            product -> List.of(),
            value -> {},
            RestConfig::passwordExemptGroups,
            "Groups exempt from the password block",
            "Groups whose members may still use a password, one per line.");

    public static final Setting<RestConfig, List<String>> ALLOWED_IPS = list(
            "rest.allowedIps",
            ConfigRules::cidr,
            product -> List.of(),
            value -> {},
            RestConfig::allowedIps,
            "Allowed client addresses (all REST requests)",
            "Addresses or CIDR ranges every REST request must come from, one per line. Empty: any address.");

    public static final Setting<RestConfig, List<String>> SESSION_COOKIES = list(
            "rest.sessionCookies",
            ConfigRules::cookieName,
            UpstreamProduct::sessionCookies,
            value -> {},
            RestConfig::sessionCookies,
            "Session cookie names",
            "The upstream's session cookies, one per line, exact names (e.g. JSESSIONID): "
                    + "only these let a request without credentials reach the REST paths.");

    /** Every {@code rest.*} key, in the order the API, the UI and change reports list them. */
    public static final List<Setting<RestConfig, ?>> ALL = List.of(
            PASSWORD_AUTH,
            PATHS,
            READ_ONLY_POSTS,
            ANONYMOUS,
            PASSWORD_EXEMPT_USERS,
            PASSWORD_EXEMPT_GROUPS,
            ALLOWED_IPS,
            SESSION_COOKIES);

    private RestKeys() {}

    /** The key whose field ({@code paths} of {@code rest.paths}) is {@code field}. */
    public static Optional<Setting<RestConfig, ?>> byField(String field) {
        return ALL.stream().filter(setting -> setting.field().equals(field)).findFirst();
    }

    private static Setting<RestConfig, List<String>> list(
            String key,
            Consumer<String> itemRule,
            Function<UpstreamProduct, List<String>> defaults,
            Consumer<List<String>> rule,
            Function<RestConfig, List<String>> read,
            String title,
            String doc) {
        return new Setting<>(key, new SettingType.Texts(itemRule), defaults, rule, read, false, title, doc);
    }

    private static void atLeastOne(List<String> paths) {
        if (paths.isEmpty()) {
            throw new ConfigException("must list at least one path pattern");
        }
    }
}
