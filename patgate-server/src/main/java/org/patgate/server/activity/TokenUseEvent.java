package org.patgate.server.activity;

import java.time.Instant;

/**
 * One request made with a token, as the gateway saw it: when, what (normalised path, no query),
 * the answer, how long it took, and from where. Never holds the token itself.
 */
public record TokenUseEvent(
        String tokenId,
        Instant at,
        String method,
        String path,
        int status,
        long latencyMicros,
        String clientIp,
        String userAgent) {}
