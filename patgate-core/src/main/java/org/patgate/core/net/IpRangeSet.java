package org.patgate.core.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The IP ranges a token may be used from. The empty set means "no restriction". Duplicates
 * (after canonicalisation) are dropped; order is kept.
 *
 * <p>Immutable and thread-safe.
 */
public final class IpRangeSet {

    private static final IpRangeSet EMPTY = new IpRangeSet(List.of());

    private final List<IpRange> ranges;

    private IpRangeSet(List<IpRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** The set without restriction. */
    public static IpRangeSet empty() {
        return EMPTY;
    }

    /**
     * Parses every entry; the first invalid one fails the whole set.
     *
     * @throws InvalidIpRangeException naming the entry's index and value
     */
    public static IpRangeSet of(List<String> cidrs) {
        Objects.requireNonNull(cidrs, "cidrs");
        LinkedHashSet<IpRange> parsed = new LinkedHashSet<>();
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                parsed.add(IpRange.parse(cidrs.get(i)));
            } catch (InvalidIpRangeException e) {
                throw new InvalidIpRangeException("IP range entry " + i + ": " + e.getMessage());
            }
        }
        return parsed.isEmpty() ? EMPTY : new IpRangeSet(new ArrayList<>(parsed));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** True if the set is empty or some range contains {@code address}; false for null otherwise. */
    public boolean allows(InetAddress address) {
        if (ranges.isEmpty()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (IpRange range : ranges) {
            if (range.containsBytes(bytes)) {
                return true;
            }
        }
        return false;
    }

    public List<IpRange> ranges() {
        return ranges;
    }

    /** Canonical CIDR strings, in order (what the store and the API keep). */
    public List<String> toStrings() {
        return ranges.stream().map(IpRange::toString).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpRangeSet that && ranges.equals(that.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return "IpRangeSet" + toStrings();
    }
}
