package org.patgate.core.token;

import org.patgate.core.PatgateException;

/**
 * What a token may do. {@code read-only} allows safe methods (and the configured read-only
 * POST endpoints); {@code read-write} allows any method the upstream accepts.
 */
public enum Scope {
    READ_ONLY("read-only"),
    READ_WRITE("read-write");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON, YAML, the database and the CLI. */
    public String wireName() {
        return wireName;
    }

    /** Parses the wire name exactly; anything else is refused with the accepted values. */
    public static Scope fromWireName(String value) {
        for (Scope scope : values()) {
            if (scope.wireName.equals(value)) {
                return scope;
            }
        }
        throw new PatgateException("unknown scope '" + value + "': expected read-only or read-write");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
