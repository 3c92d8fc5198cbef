package org.patgate.server.metrics.internal;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.patgate.core.net.IpRangeSet;
import org.patgate.server.config.MetricsConfig;

/**
 * Whether a caller may read the metrics: a correct metrics token lets any address in; without a token,
 * the client's address must be in {@code metrics.allowedIps}. A wrong token is refused even from an
 * allowed address, so a scraper with a stale token is noticed. Tokens are compared in constant time
 * (digests of equal length, so not even the token's length leaks). Immutable and thread-safe.
 */
public final class MetricsAccess {

    /** The outcome of a check; {@link #refusal()} is the detail of the 403 (no secret in it). */
    public sealed interface Verdict {
        record Allowed() implements Verdict {}

        record Refused(String refusal) implements Verdict {}
    }

    private static final Verdict ALLOWED = new Verdict.Allowed();

    private final IpRangeSet allowedIps;
    private final byte[] tokenDigest;

    public MetricsAccess(MetricsConfig config) {
        this.allowedIps = IpRangeSet.of(config.allowedIps());
        this.tokenDigest = config.hasToken() ? sha256(config.token()) : null;
    }

    /**
     * @param client        the client's address, resolved through the trusted proxies
     * @param authorization the {@code Authorization} header, or null
     */
    public Verdict check(InetAddress client, String authorization) {
        if (authorization != null) {
            String presented = bearer(authorization);
            if (tokenDigest != null && presented != null && MessageDigest.isEqual(tokenDigest, sha256(presented))) {
                return ALLOWED;
            }
            return new Verdict.Refused(
                    tokenDigest == null
                            ? "no metrics token is configured; send no Authorization header from an address in"
                                    + " metrics.allowedIps, or set metrics.token"
                            : "the metrics token is not valid; send Authorization: Bearer with the value of metrics.token");
        }
        if (client != null && allowedIps.allows(client)) {
            return ALLOWED;
        }
        return new Verdict.Refused("the metrics are served to the addresses in metrics.allowedIps; add "
                + (client == null ? "this client's address" : client.getHostAddress())
                + " to metrics.allowedIps, or set metrics.token and send it as Authorization: Bearer");
    }

    private static String bearer(String authorization) {
        int space = authorization.indexOf(' ');
        if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
            return null;
        }
        return authorization.substring(space + 1).strip();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
