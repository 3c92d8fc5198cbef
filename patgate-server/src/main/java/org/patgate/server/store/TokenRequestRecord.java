package org.patgate.server.store;

import java.time.Instant;

/** One request made with a token, as kept for its activity view. No query string, no secret. */
public record TokenRequestRecord(
        String tokenId,
        Instant at,
        String method,
        String path,
        int status,
        long latencyMicros,
        String clientIp,
        String userAgent) {}
