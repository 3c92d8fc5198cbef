package org.patgate.server.config;

import java.net.URI;
import java.time.Duration;
import org.patgate.server.config.internal.ConfigRules;

/**
 * The application behind the gateway ({@code upstream.*}): an absolute http(s) URL without
 * credentials, query or fragment, positive timeouts, and what product it is (whose preset gives the
 * {@code rest.*} defaults). Immutable and thread-safe.
 */
public record UpstreamConfig(URI url, Duration connectTimeout, Duration readTimeout, UpstreamProduct product) {

    /** A generic upstream. */
    public UpstreamConfig(URI url, Duration connectTimeout, Duration readTimeout) {
        this(url, connectTimeout, readTimeout, UpstreamProduct.GENERIC);
    }

    public UpstreamConfig {
        ConfigRules.require("upstream.product", product, value -> { });
        ConfigRules.require("upstream.url", url, ConfigRules::httpUrl);
        ConfigRules.require("upstream.connectTimeout", connectTimeout, ConfigRules::positive);
        ConfigRules.require("upstream.readTimeout", readTimeout, ConfigRules::positive);
    }
}
