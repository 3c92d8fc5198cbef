package org.patgate.server.config;

import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * The management API ({@code api.*}): largest accepted request body, 1024..10485760 bytes. Declares
 * its keys ({@link #KEYS}). Immutable.
 */
public record ApiConfig(int maxBodyBytes) {

    public static final int MIN_BODY_BYTES = 1024;
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    public static final Setting<ApiConfig, Integer> MAX_BODY = Setting.of(
            "api.maxBodyBytes",
            new SettingType.Int(),
            65536,
            ConfigRules.range(MIN_BODY_BYTES, MAX_BODY_BYTES),
            ApiConfig::maxBodyBytes,
            "The largest request body the management API accepts, in bytes.");
    /** Every {@code api.*} key. */
    public static final List<Setting<ApiConfig, ?>> KEYS = List.of(MAX_BODY);

    public ApiConfig {
        MAX_BODY.require(maxBodyBytes);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ApiConfig from(Function<? super Setting<ApiConfig, ?>, Object> values) {
        return new ApiConfig(MAX_BODY.pick(values));
    }
}
