package org.patgate.server.token;

import java.util.concurrent.atomic.AtomicLong;
import org.patgate.core.token.TokenDigest;

/**
 * A small direct-mapped table in front of the verifier's caches: the tokens a gateway sees over and
 * over are answered by one array read, one generation check and one digest comparison, without the
 * bookkeeping a bounded cache does on every read.
 *
 * <p>A slot never outlives the cache entry it copies: it carries that entry's own expiry, and every
 * invalidation bumps a generation that all existing slots are checked against, so revocation is
 * seen on the next request exactly as without this table. A writer reads the generation
 * <em>before</em> it looks the entry up; an invalidation that completes in between makes the slot
 * it then stores invalid at once.
 *
 * <p>Thread-safe without locks: slots are immutable and published through a racy array write, which
 * the final fields of {@link Slot} make safe; a reader sees no slot, an old one or a new one.
 */
final class HotSlots<V> {

    private record Slot<V>(TokenDigest digest, V value, long expiresAtNanos, long generation) {}

    private final Slot<V>[] slots;
    private final int mask;
    private final AtomicLong generation = new AtomicLong();

    /** @param size the number of slots, a power of two */
    @SuppressWarnings("unchecked")
    HotSlots(int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("the number of hot slots must be a power of two, got " + size);
        }
        this.slots = (Slot<V>[]) new Slot<?>[size];
        this.mask = size - 1;
    }

    /** The value stored for this digest if it is still valid at {@code nowNanos}, else null. */
    V get(TokenDigest digest, long nowNanos) {
        Slot<V> slot = slots[digest.hashCode() & mask];
        if (slot == null
                || slot.generation != generation.get()
                || nowNanos - slot.expiresAtNanos >= 0
                || !slot.digest.equals(digest)) {
            return null;
        }
        return slot.value;
    }

    /** Read before looking a value up that is then {@linkplain #put stored} with it. */
    long generation() {
        return generation.get();
    }

    /** Stores a value looked up after {@link #generation()} returned {@code generation}. */
    void put(TokenDigest digest, V value, long expiresAtNanos, long generation) {
        slots[digest.hashCode() & mask] = new Slot<>(digest, value, expiresAtNanos, generation);
    }

    /** Makes every slot stored so far invalid. Call after invalidating the caches behind it. */
    void invalidateAll() {
        generation.incrementAndGet();
    }
}
