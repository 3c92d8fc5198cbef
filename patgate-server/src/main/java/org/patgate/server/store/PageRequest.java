package org.patgate.server.store;

import org.patgate.core.PatgateException;

/**
 * Which page of a result to return: {@code page} is 0-based, {@code size} is between 1 and
 * {@value #MAX_SIZE}. Out-of-range values are refused, never clamped.
 */
public record PageRequest(int page, int size) {

    /** The largest page a caller may ask for; keeps one request from loading a whole table. */
    public static final int MAX_SIZE = 500;

    public PageRequest {
        if (page < 0) {
            throw new PatgateException("page must be >= 0 but was " + page);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new PatgateException("page size must be between 1 and " + MAX_SIZE + " but was " + size);
        }
    }

    /** The number of rows before this page. */
    public long offset() {
        return (long) page * size;
    }
}
