package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A token's requests in one hour: all of them, and those answered with a status of 400 or more.
 *
 * @param hourStart the start of the hour (UTC, whole hour)
 */
public record HourlyUsage(Instant hourStart, long requests, long failed) {

    public HourlyUsage {
        Objects.requireNonNull(hourStart, "hourStart");
        if (requests < 0 || failed < 0 || failed > requests) {
            throw new IllegalArgumentException(
                    "usage counts must satisfy 0 <= failed <= requests, got " + failed + " of " + requests);
        }
    }
}
