package org.patgate.server.config.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.patgate.server.config.ConfigException;

/**
 * Validation rules shared by the loader (which collects every problem) and the config records'
 * compact constructors (which refuse a bad value built in code). Each rule throws a
 * {@link ConfigException} whose message is the reason only; the caller adds the key path.
 */
public final class ConfigRules {

    private ConfigRules() {}

    /** Applies {@code rule} to {@code value} and prefixes a failure with {@code key}; for record constructors. */
    public static <T> T require(String key, T value, Consumer<? super T> rule) {
        if (value == null) {
            throw new ConfigException(key + ": must be set");
        }
        try {
            rule.accept(value);
        } catch (ConfigException e) {
            throw new ConfigException(key + ": " + e.getMessage(), e);
        }
        return value;
    }

    /** Like {@link #require} for every element; the element index is part of the key ({@code rest.paths[2]}). */
    public static List<String> requireEach(String key, List<String> values, Consumer<String> rule) {
        List<String> copy = List.copyOf(require(key, values, list -> {}));
        for (int i = 0; i < copy.size(); i++) {
            require(key + "[" + i + "]", copy.get(i), rule);
        }
        return copy;
    }

    public static Consumer<Integer> range(int min, int max) {
        return value -> {
            if (value < min || value > max) {
                throw new ConfigException("must be " + min + ".." + max);
            }
        };
    }

    public static void port(int port) {
        if (port < 0 || port > 65535) {
            throw new ConfigException("must be 0..65535 (0 picks a free port)");
        }
    }

    /** An IP literal or an RFC 1123 host name. */
    public static void host(String host) {
        if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
            CidrSyntax.parseAddress(host);
            return;
        }
        if (host.length() > 253
                || !host.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
            throw new ConfigException("must be an IP address or host name");
        }
    }

    /** Absolute http(s) with a host; no credentials (they would be logged), no query or fragment. */
    public static void httpUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new ConfigException("must be an absolute http(s) URL");
        }
        if (url.getRawUserInfo() != null) {
            throw new ConfigException("must not contain credentials");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ConfigException("must not have a query or fragment");
        }
    }

    /** Empty (none), or a file path, relative to the working directory unless absolute. */
    public static void optionalFilePath(String path) {
        if (path.isEmpty()) {
            return;
        }
        if (path.isBlank() || path.chars().anyMatch(Character::isISOControl)) {
            throw new ConfigException("must be a file path or empty");
        }
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw new ConfigException("must be a valid file path");
        }
    }

    public static void positive(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigException("must be positive");
        }
    }

    public static void notNegative(Duration duration) {
        if (duration.isNegative()) {
            throw new ConfigException("must not be negative");
        }
    }

    public static void jdbcUrl(String url) {
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("must start with jdbc:h2: or jdbc:postgresql:");
        }
    }

    /** Any string without control characters; may be empty. */
    public static void plainText(String text) {
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new ConfigException("must not contain control characters");
        }
    }

    /** A user or group name: 1..255 characters, no whitespace or control characters. */
    public static void name(String name) {
        if (name.isEmpty() || name.length() > 255) {
            throw new ConfigException("must be 1..255 characters");
        }
        if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new ConfigException("must not contain whitespace or control characters");
        }
    }

    /**
     * A path pattern: starts with '/', literal segments, whole-segment "*" anywhere and "**" only at
     * the end. Patterns match decoded, normalised paths, so '%', ';', '?', '#', '\', '.' and '..'
     * segments and empty segments are refused rather than given a meaning.
     */
    public static void pathPattern(String pattern) {
        if (!pattern.startsWith("/")) {
            throw new ConfigException("must start with '/'");
        }
        if (pattern.equals("/")) {
            return;
        }
        String[] segments = pattern.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                throw new ConfigException("must not contain empty segments or end with '/'");
            }
            if (segment.equals("**")) {
                if (i != segments.length - 1) {
                    throw new ConfigException("may use '**' only as the last segment");
                }
            } else if (!segment.equals("*")) {
                if (segment.indexOf('*') >= 0) {
                    throw new ConfigException("may use '*' only as a whole segment");
                }
                if (segment.equals(".") || segment.equals("..")) {
                    throw new ConfigException("must not contain '.' or '..' segments");
                }
                if (segment.chars()
                        .anyMatch(c ->
                                "%;?#\\".indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isISOControl(c))) {
                    throw new ConfigException("must not contain '%', ';', '?', '#', '\\' or whitespace");
                }
            }
        }
    }

    /** RFC 9110 §5.6.2 token, and not a header that carries client, transport or credential identity. */
    public static void headerName(String header) {
        TrustRules.identityHeader(header);
    }

    /** 2..16 characters: lower-case letters or digits, then '_'. */
    public static void tokenPrefix(String prefix) {
        if (!prefix.matches("[a-z0-9]{1,15}_")) {
            throw new ConfigException("must be 2..16 characters: [a-z0-9]+ followed by '_'");
        }
    }

    /** Empty (use the pepper file) or a base64/hex value of at least 32 bytes. */
    public static void pepper(String pepper) {
        if (!pepper.isEmpty()) {
            PepperCodec.decode(pepper);
        }
    }

    /** A URI that parses; whether it is {@code ldap://} or {@code ldaps://} host and port is checked with the other LDAP settings. */
    public static void ldapUrl(String url) {
        try {
            new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new ConfigException("must be ldap://host[:port] or ldaps://host[:port]");
        }
    }

    public static void cidr(String cidr) {
        CidrSyntax.check(cidr);
    }

    /** A cookie name: an RFC 6265 token (cookie names are matched exactly, case included). */
    public static void cookieName(String name) {
        if (!name.matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,255}")) {
            throw new ConfigException("must be a cookie name (RFC 6265 token: letters, digits, !#$%&'*+-.^_`|~)");
        }
    }
}
