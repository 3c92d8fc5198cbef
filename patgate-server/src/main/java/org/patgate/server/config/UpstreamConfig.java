package org.patgate.server.config;

import java.net.URI;
import java.time.Duration;
import org.patgate.server.config.internal.ConfigRules;

/**
 * The application behind the gateway ({@code upstream.*}): an absolute http(s) URL without
 * credentials, query or fragment, and positive timeouts. Immutable and thread-safe.
 */
public record UpstreamConfig(URI url, Duration connectTimeout, Duration readTimeout) {

    public UpstreamConfig {
        ConfigRules.require("upstream.url", url, ConfigRules::httpUrl);
        ConfigRules.require("upstream.connectTimeout", connectTimeout, ConfigRules::positive);
        ConfigRules.require("upstream.readTimeout", readTimeout, ConfigRules::positive);
    }
}
