package org.patgate.server.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.patgate.server.config.UpstreamProduct;

/** Picks the native account API of the configured upstream product. */
public final class AtlassianAccounts {

    private AtlassianAccounts() {}

    /**
     * The native account API of {@code product} at {@code upstreamUrl} (which may carry a context path such
     * as {@code /jira}: it stays the base of every call).
     *
     * @throws IllegalArgumentException for {@link UpstreamProduct#GENERIC}, which has no native token API
     */
    public static NativeAccounts forProduct(
            UpstreamProduct product, URI upstreamUrl, Duration connectTimeout, Duration readTimeout) {
        return switch (Objects.requireNonNull(product, "product")) {
            case JIRA -> new JiraAccounts(upstreamUrl, connectTimeout, readTimeout);
            case CONFLUENCE -> new ConfluenceAccounts(upstreamUrl, connectTimeout, readTimeout);
            case BITBUCKET -> new BitbucketAccounts(upstreamUrl, connectTimeout, readTimeout);
            case GENERIC ->
                throw new IllegalArgumentException(
                        "identity.mode upstream-token needs upstream.product jira, confluence or bitbucket"
                                + " (a generic upstream has no native token API)");
        };
    }
}
