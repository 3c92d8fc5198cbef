package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;

/** A stored group. {@code name} is displayed as entered and compared case-insensitively. Immutable. */
public record GroupRecord(long id, String name, String description, Instant createdAt) {

    public GroupRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
