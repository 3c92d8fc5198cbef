package org.patgate.server.store;

import java.time.Instant;

/** Requests of one key in one bucket (minute or hour) of a usage series. */
public record UsagePoint(String key, Instant bucket, long requests) {}
