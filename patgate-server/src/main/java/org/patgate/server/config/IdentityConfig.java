package org.patgate.server.config;

import java.time.Duration;
import java.util.Locale;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How the upstream learns who the caller is ({@code identity.*}): a trusted header carrying the
 * username, a signed JWT in that header, nothing, or (for stock Jira, Confluence and Bitbucket) the
 * token owner's own native upstream token in place of the PATgate token. The header is an RFC 9110
 * token and not one the gateway itself relies on ({@code Authorization}, {@code Host}, ...).
 * {@code nativeTokenLifetime} is how long a native token PATgate mints for a user is asked to live.
 * Immutable and thread-safe.
 */
public record IdentityConfig(Mode mode, String header, Jwt jwt, Duration nativeTokenLifetime) {

    /** YAML: {@code header} | {@code jwt} | {@code none} | {@code upstream-token}. */
    public enum Mode implements SettingType.Spelled {
        HEADER,
        JWT,
        NONE,
        /** The owner's native upstream token is sent as {@code Authorization: Bearer}; the header names them for logs. */
        UPSTREAM_TOKEN;

        @Override
        public String spelling() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The default of {@code identity.nativeTokenLifetime}. */
    public static final Duration DEFAULT_NATIVE_TOKEN_LIFETIME = Duration.ofDays(90);

    /**
     * The signed identity ({@code identity.jwt.*}): ES256 tokens with this issuer and audience,
     * valid for {@code lifetime}, signed with a key that is replaced every {@code keyRotation}.
     */
    public record Jwt(String issuer, String audience, Duration lifetime, Duration keyRotation) {
        public Jwt {
            ConfigRules.require("identity.jwt.issuer", issuer, ConfigRules::name);
            ConfigRules.require("identity.jwt.audience", audience, ConfigRules::name);
            ConfigRules.require("identity.jwt.lifetime", lifetime, ConfigRules::positive);
            ConfigRules.require("identity.jwt.keyRotation", keyRotation, ConfigRules::positive);
        }

        public static Jwt defaults() {
            return new Jwt("patgate", "upstream", Duration.ofSeconds(60), Duration.ofDays(30));
        }
    }

    public IdentityConfig {
        ConfigRules.require("identity.mode", mode, value -> {});
        ConfigRules.require("identity.header", header, ConfigRules::headerName);
        ConfigRules.require("identity.jwt", jwt, value -> {});
        ConfigRules.require("identity.nativeTokenLifetime", nativeTokenLifetime, ConfigRules::positive);
    }

    /** With the default native token lifetime. */
    public IdentityConfig(Mode mode, String header, Jwt jwt) {
        this(mode, header, jwt, DEFAULT_NATIVE_TOKEN_LIFETIME);
    }

    /** Header or none mode, with default JWT settings. */
    public IdentityConfig(Mode mode, String header) {
        this(mode, header, Jwt.defaults());
    }
}
