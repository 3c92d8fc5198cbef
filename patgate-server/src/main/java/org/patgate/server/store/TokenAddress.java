package org.patgate.server.store;

import java.time.Instant;

/** One client address a token was used from: when first and last, and the newest user agent seen with it. */
public record TokenAddress(String tokenId, String address, Instant firstSeen, Instant lastSeen, String userAgent) {}
