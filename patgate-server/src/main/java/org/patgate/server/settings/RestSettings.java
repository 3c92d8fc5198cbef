package org.patgate.server.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.RestConfig;

/**
 * The {@code rest.*} settings an administrator set at runtime. Each field that is {@code null}
 * follows the configuration file; each that is set overrides it (see {@link #over}). Fields have the
 * names, meaning and rules of the {@code rest.*} configuration keys: a value the configuration would
 * refuse is refused here, with every offending field named at once by its configuration key
 * ({@code rest.paths[2]}: {@link InvalidSettingsException}).
 * Immutable (lists are copied) and thread-safe.
 */
public record RestSettings(RestConfig.PasswordAuth passwordAuth, List<String> paths, List<String> readOnlyPosts,
        RestConfig.Anonymous anonymous, List<String> passwordExemptUsers, List<String> passwordExemptGroups,
        List<String> allowedIps, List<String> sessionCookies) {

    /** Nothing set: everything follows the configuration. */
    public static final RestSettings NONE = new RestSettings(null, null, null, null, null, null, null, null);

    /** The field names, in the order of the record; the same as the keys under {@code rest.}. */
    public static final List<String> FIELDS = List.of("passwordAuth", "paths", "readOnlyPosts", "anonymous",
            "passwordExemptUsers", "passwordExemptGroups", "allowedIps", "sessionCookies");

    /**
     * A valid configuration that differs from a candidate in one field at a time: building a
     * {@link RestConfig} from it checks exactly the configuration's rules for that field.
     */
    private static final RestConfig PROBE = new RestConfig(List.of("/rest/**"), RestConfig.PasswordAuth.BLOCK, List.of());

    public RestSettings {
        Map<String, String> errors = new LinkedHashMap<>();
        paths = check(errors, "paths", paths, p -> new RestConfig(p, PROBE.passwordAuth(), PROBE.readOnlyPosts()));
        readOnlyPosts = check(errors, "readOnlyPosts", readOnlyPosts,
                p -> new RestConfig(PROBE.paths(), PROBE.passwordAuth(), p));
        passwordExemptUsers = check(errors, "passwordExemptUsers", passwordExemptUsers,
                u -> new RestConfig(PROBE.paths(), PROBE.passwordAuth(), PROBE.readOnlyPosts(), PROBE.anonymous(),
                        u, List.of(), List.of()));
        passwordExemptGroups = check(errors, "passwordExemptGroups", passwordExemptGroups,
                g -> new RestConfig(PROBE.paths(), PROBE.passwordAuth(), PROBE.readOnlyPosts(), PROBE.anonymous(),
                        List.of(), g, List.of()));
        allowedIps = check(errors, "allowedIps", allowedIps,
                ips -> new RestConfig(PROBE.paths(), PROBE.passwordAuth(), PROBE.readOnlyPosts(), PROBE.anonymous(),
                        List.of(), List.of(), ips));
        sessionCookies = check(errors, "sessionCookies", sessionCookies,
                c -> new RestConfig(PROBE.paths(), PROBE.passwordAuth(), PROBE.readOnlyPosts(), PROBE.anonymous(),
                        List.of(), List.of(), List.of(), c));
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
    }

    /** As the canonical constructor, with the session cookies following the configuration. */
    public RestSettings(RestConfig.PasswordAuth passwordAuth, List<String> paths, List<String> readOnlyPosts,
            RestConfig.Anonymous anonymous, List<String> passwordExemptUsers, List<String> passwordExemptGroups,
            List<String> allowedIps) {
        this(passwordAuth, paths, readOnlyPosts, anonymous, passwordExemptUsers, passwordExemptGroups, allowedIps, null);
    }

    /** As {@link #fromWire(String, List, List, String, List, List, List, List)}, session cookies following the configuration. */
    public static RestSettings fromWire(String passwordAuth, List<String> paths, List<String> readOnlyPosts,
            String anonymous, List<String> passwordExemptUsers, List<String> passwordExemptGroups,
            List<String> allowedIps) {
        return fromWire(passwordAuth, paths, readOnlyPosts, anonymous, passwordExemptUsers, passwordExemptGroups,
                allowedIps, null);
    }

    /**
     * Settings as they arrive over the wire: enums by their configuration names ({@code block},
     * {@code allow}, {@code deny}; case ignored), {@code null} for "follow the configuration". Every
     * problem, of the enums and of the lists, is reported in one exception.
     */
    public static RestSettings fromWire(String passwordAuth, List<String> paths, List<String> readOnlyPosts,
            String anonymous, List<String> passwordExemptUsers, List<String> passwordExemptGroups,
            List<String> allowedIps, List<String> sessionCookies) {
        Map<String, String> errors = new LinkedHashMap<>();
        RestConfig.PasswordAuth auth = choice(errors, "passwordAuth", passwordAuth, RestConfig.PasswordAuth.class);
        RestConfig.Anonymous anon = choice(errors, "anonymous", anonymous, RestConfig.Anonymous.class);
        try {
            RestSettings settings = new RestSettings(auth, paths, readOnlyPosts, anon, passwordExemptUsers,
                    passwordExemptGroups, allowedIps, sessionCookies);
            if (errors.isEmpty()) {
                return settings;
            }
        } catch (InvalidSettingsException e) {
            errors.putAll(e.fieldErrors());
        }
        throw new InvalidSettingsException(ordered(errors));
    }

    /** The configuration with every field that is set here put in its place. */
    public RestConfig over(RestConfig config) {
        return new RestConfig(or(paths, config.paths()), or(passwordAuth, config.passwordAuth()),
                or(readOnlyPosts, config.readOnlyPosts()), or(anonymous, config.anonymous()),
                or(passwordExemptUsers, config.passwordExemptUsers()),
                or(passwordExemptGroups, config.passwordExemptGroups()), or(allowedIps, config.allowedIps()),
                or(sessionCookies, config.sessionCookies()));
    }

    /** Whether {@code field} (one of {@link #FIELDS}) is set here rather than following the configuration. */
    public boolean isSet(String field) {
        return value(field) != null;
    }

    /** The value of {@code field} (one of {@link #FIELDS}) here, or {@code null} when it is not set. */
    public Object value(String field) {
        return switch (field) {
            case "passwordAuth" -> passwordAuth;
            case "paths" -> paths;
            case "readOnlyPosts" -> readOnlyPosts;
            case "anonymous" -> anonymous;
            case "passwordExemptUsers" -> passwordExemptUsers;
            case "passwordExemptGroups" -> passwordExemptGroups;
            case "allowedIps" -> allowedIps;
            case "sessionCookies" -> sessionCookies;
            default -> throw new IllegalArgumentException("no setting '" + field + "'");
        };
    }

    /** The value of {@code field} in a configuration, shaped as in {@link #value}. */
    public static Object value(RestConfig config, String field) {
        return new RestSettings(config.passwordAuth(), config.paths(), config.readOnlyPosts(), config.anonymous(),
                config.passwordExemptUsers(), config.passwordExemptGroups(), config.allowedIps(), config.sessionCookies())
                .value(field);
    }

    /** An enum as the configuration and the API write it: {@code block}, {@code allow}, {@code deny}. */
    public static String wireName(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> check(Map<String, String> errors, String field, List<String> value,
            Function<List<String>, RestConfig> probe) {
        if (value == null) {
            return null;
        }
        List<String> copy = new ArrayList<>(value.size());
        for (String item : value) {
            if (item == null) {
                errors.put(key(field) + "[" + copy.size() + "]", "must be set");
                return null;
            }
            copy.add(item);
        }
        copy = List.copyOf(copy);
        try {
            probe.apply(copy);
        } catch (ConfigException e) {
            // The configuration says "rest.paths[2]: must start with '/'": the key, then the reason.
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            if (colon > 0 && message.startsWith(key(field))) {
                errors.put(message.substring(0, colon), message.substring(colon + 2));
            } else {
                errors.put(key(field), message);
            }
        }
        return copy;
    }

    /** The configuration key of a field, which is also its key in error reports: {@code rest.paths}. */
    public static String key(String field) {
        return "rest." + field;
    }

    private static <E extends Enum<E>> E choice(Map<String, String> errors, String field, String text, Class<E> type) {
        if (text == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.strip())) {
                return constant;
            }
            names.add(wireName(constant));
        }
        errors.put(key(field), "must be " + String.join(" or ", names));
        return null;
    }

    private static Map<String, String> ordered(Map<String, String> errors) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String field : FIELDS) {
            errors.forEach((key, reason) -> {
                if (key.equals(key(field)) || key.startsWith(key(field) + "[")) {
                    result.put(key, reason);
                }
            });
        }
        return result;
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
