package org.patgate.server.store;

import java.util.List;
import java.util.Objects;
import org.patgate.core.PatgateException;

/**
 * One page of a result: the items of page {@code page} (0-based) of size {@code size}, and
 * the {@code total} number of matching rows across all pages. Immutable.
 */
public record Page<T>(List<T> items, long total, int page, int size) {

    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (total < 0) {
            throw new PatgateException("total must be >= 0 but was " + total);
        }
        if (page < 0 || size < 1) {
            throw new PatgateException("page/size out of range: page=" + page + ", size=" + size);
        }
    }

    static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        return new Page<>(items, total, request.page(), request.size());
    }
}
