package org.patgate.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * Token settings ({@code tokens.*}). {@link #pepper()} is the HMAC key for token digests, given
 * inline (secret; {@code null} is read as empty) or, when empty, read from {@link #pepperFile()} by
 * {@link PepperSource}. Cache TTLs of zero disable the cache; {@code maxLifetimeDays} 0 means
 * unlimited. {@link #toString()} masks the pepper. Declares its keys ({@link #KEYS}). Immutable and
 * thread-safe.
 */
public record TokensConfig(
        String prefix,
        String pepper,
        Path pepperFile,
        Duration cacheTtl,
        Duration negativeCacheTtl,
        int maxLifetimeDays,
        boolean expiresHeader) {

    public static final Setting<TokensConfig, String> PREFIX = Setting.of(
            "tokens.prefix",
            new SettingType.Text(),
            "pat_",
            ConfigRules::tokenPrefix,
            TokensConfig::prefix,
            "The prefix of every token, for secret scanners.");
    public static final Setting<TokensConfig, String> PEPPER = Setting.secret(
            "tokens.pepper",
            "",
            ConfigRules::pepper,
            TokensConfig::pepper,
            "The HMAC key of token digests (base64 or hex, 32 bytes or more); empty: the pepper file.");
    public static final Setting<TokensConfig, Path> PEPPER_FILE = Setting.of(
            "tokens.pepperFile",
            new SettingType.FilePath(),
            Path.of("./data/pepper"),
            value -> {},
            TokensConfig::pepperFile,
            "Where the pepper is kept when it is not given inline (created at first start).");
    public static final Setting<TokensConfig, Duration> CACHE_TTL = Setting.of(
            "tokens.cacheTtl",
            new SettingType.Span(),
            Duration.ofSeconds(30),
            ConfigRules::notNegative,
            TokensConfig::cacheTtl,
            "How long a looked-up token is cached; 0 disables the cache.");
    public static final Setting<TokensConfig, Duration> NEGATIVE_CACHE_TTL = Setting.of(
            "tokens.negativeCacheTtl",
            new SettingType.Span(),
            Duration.ofSeconds(5),
            ConfigRules::notNegative,
            TokensConfig::negativeCacheTtl,
            "How long an unknown token is remembered as unknown; 0 disables it.");
    public static final Setting<TokensConfig, Integer> MAX_LIFETIME_DAYS = Setting.of(
            "tokens.maxLifetimeDays",
            new SettingType.Int(),
            0,
            ConfigRules.range(0, 36500),
            TokensConfig::maxLifetimeDays,
            "The longest lifetime of a new token in days; 0: unlimited.");
    public static final Setting<TokensConfig, Boolean> EXPIRES_HEADER = Setting.of(
            "tokens.expiresHeader",
            new SettingType.Flag(),
            false,
            value -> {},
            TokensConfig::expiresHeader,
            "Whether forwarded answers to a request with an expiring token carry PATgate-Token-Expires.");
    /** Every {@code tokens.*} key. */
    public static final List<Setting<TokensConfig, ?>> KEYS =
            List.of(PREFIX, PEPPER, PEPPER_FILE, CACHE_TTL, NEGATIVE_CACHE_TTL, MAX_LIFETIME_DAYS, EXPIRES_HEADER);

    /** Tokens settings without the {@code PATgate-Token-Expires} answer field. */
    public TokensConfig(
            String prefix,
            String pepper,
            Path pepperFile,
            Duration cacheTtl,
            Duration negativeCacheTtl,
            int maxLifetimeDays) {
        this(prefix, pepper, pepperFile, cacheTtl, negativeCacheTtl, maxLifetimeDays, false);
    }

    public TokensConfig {
        PREFIX.require(prefix);
        pepper = pepper == null ? "" : pepper;
        PEPPER.require(pepper);
        PEPPER_FILE.require(pepperFile);
        CACHE_TTL.require(cacheTtl);
        NEGATIVE_CACHE_TTL.require(negativeCacheTtl);
        MAX_LIFETIME_DAYS.require(maxLifetimeDays);
        EXPIRES_HEADER.require(expiresHeader);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static TokensConfig from(Function<? super Setting<TokensConfig, ?>, Object> values) {
        return new TokensConfig(
                PREFIX.pick(values),
                PEPPER.pick(values),
                PEPPER_FILE.pick(values),
                CACHE_TTL.pick(values),
                NEGATIVE_CACHE_TTL.pick(values),
                MAX_LIFETIME_DAYS.pick(values),
                EXPIRES_HEADER.pick(values));
    }

    @Override
    public String toString() {
        return "TokensConfig[prefix=" + prefix + ", pepper=" + Masking.secret(pepper) + ", pepperFile="
                + pepperFile + ", cacheTtl=" + cacheTtl + ", negativeCacheTtl=" + negativeCacheTtl
                + ", maxLifetimeDays=" + maxLifetimeDays + ", expiresHeader=" + expiresHeader + "]";
    }
}
