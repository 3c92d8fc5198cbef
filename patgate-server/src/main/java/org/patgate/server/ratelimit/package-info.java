/**
 * Rate limits: which limit applies to a token (its own, its owner's, or the most restrictive of the
 * owner's groups) and the buckets that enforce it, with the {@code RateLimit-Policy} and {@code RateLimit}
 * answer fields. Implementation details live in {@code internal}.
 */
package org.patgate.server.ratelimit;
