package org.patgate.server.config;

import org.patgate.server.config.internal.ConfigRules;

/** The management API ({@code api.*}): largest accepted request body, 1024..10485760 bytes. Immutable. */
public record ApiConfig(int maxBodyBytes) {

    public static final int MIN_BODY_BYTES = 1024;
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    public ApiConfig {
        ConfigRules.require("api.maxBodyBytes", maxBodyBytes, ConfigRules.range(MIN_BODY_BYTES, MAX_BODY_BYTES));
    }
}
