package org.patgate.server.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.patgate.core.token.TokenDigest;

class HotSlotsTest {

    private static TokenDigest digest(int first4, int last) {
        byte[] bytes = new byte[TokenDigest.LENGTH];
        bytes[0] = (byte) (first4 >>> 24);
        bytes[1] = (byte) (first4 >>> 16);
        bytes[2] = (byte) (first4 >>> 8);
        bytes[3] = (byte) first4;
        bytes[31] = (byte) last;
        return new TokenDigest(bytes);
    }

    private final HotSlots<String> slots = new HotSlots<>(16);

    @Test
    void aStoredValueIsFoundByAnEqualDigestUntilItExpires() {
        slots.put(digest(7, 1), "alice", 1_000, slots.generation());

        assertThat(slots.get(digest(7, 1), 999)).isEqualTo("alice");
        assertThat(slots.get(digest(7, 1), 1_000)).as("expired at its expiry").isNull();
        assertThat(slots.get(digest(7, 1), Long.MAX_VALUE)).isNull();
    }

    @Test
    void expiryComparesAcrossNanoTimeOverflow() {
        long now = Long.MAX_VALUE - 10;
        slots.put(digest(7, 1), "alice", now + 100, slots.generation()); // wraps to a negative number

        assertThat(slots.get(digest(7, 1), now)).isEqualTo("alice");
        assertThat(slots.get(digest(7, 1), now + 100)).isNull();
    }

    @Test
    void aDigestSharingTheSlotButDifferingLaterIsNotConfused() {
        slots.put(digest(7, 1), "alice", 1_000, slots.generation());

        assertThat(slots.get(digest(7, 2), 0)).isNull();
        assertThat(slots.get(digest(7 + 16, 1), 0))
                .as("same slot index, other digest")
                .isNull();
    }

    @Test
    void invalidationMakesEverySlotStoredBeforeItInvalid() {
        slots.put(digest(1, 1), "a", 1_000, slots.generation());
        slots.put(digest(2, 1), "b", 1_000, slots.generation());

        slots.invalidateAll();

        assertThat(slots.get(digest(1, 1), 0)).isNull();
        assertThat(slots.get(digest(2, 1), 0)).isNull();
        slots.put(digest(1, 1), "a2", 1_000, slots.generation());
        assertThat(slots.get(digest(1, 1), 0)).isEqualTo("a2");
    }

    @Test
    void aValueLookedUpBeforeAnInvalidationIsNeverServed() {
        long generation = slots.generation(); // a reader starts its lookup ...
        slots.invalidateAll(); // ... a revocation completes meanwhile ...
        slots.put(digest(1, 1), "stale", 1_000, generation); // ... and the reader stores what it saw

        assertThat(slots.get(digest(1, 1), 0)).isNull();
    }

    @Test
    void theSizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new HotSlots<String>(12)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new HotSlots<String>(0)).hasMessageContaining("power of two");
    }
}
