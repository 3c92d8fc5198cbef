package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * Loose statistical checks of the body: strong enough to catch modulo bias or a constant
 * position, loose enough never to flake (a seeded generator also makes the run reproducible).
 */
class TokenRandomnessTest {

    private static final int SAMPLES = 10_000;
    private static final int POSITIONS = TokenFormat.BODY_LENGTH;
    private static final int DEGREES = Base62.RADIX - 1;
    // Sum over all positions of per-position chi-square values: chi-square with 28*61 = 1708
    // degrees of freedom, standard deviation sqrt(2*1708) = 58; allow mean + 6 sd.
    private static final double TOTAL_BOUND = POSITIONS * DEGREES + 6 * Math.sqrt(2.0 * POSITIONS * DEGREES);
    // Per position: mean 61, sd 11; a constant position scores about 600,000.
    private static final double POSITION_BOUND = DEGREES + 10 * Math.sqrt(2.0 * DEGREES);

    private final TokenFormat format = TokenFormat.withDefaultPrefix();

    @Test
    void tenThousandTokensAreAllDistinct() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < SAMPLES; i++) {
            seen.add(format.generate(random));
        }
        assertThat(seen).hasSize(SAMPLES);
    }

    @Test
    void everyCharacterOccursAtEveryBodyPositionRoughlyUniformly() {
        SecureRandom random = Tokens.seededRandom(99);
        int[][] counts = new int[POSITIONS][Base62.RADIX];
        for (int i = 0; i < SAMPLES; i++) {
            String token = format.generate(random);
            for (int p = 0; p < POSITIONS; p++) {
                counts[p][Base62.valueOf(token.charAt(4 + p))]++;
            }
        }
        assertUniform(counts);
    }

    @Test
    void theUniformityCheckCatchesModuloBias() {
        // (byte % 62) favours digits 0..7 by 5:4: the bug rejection sampling exists to avoid.
        SecureRandom random = Tokens.seededRandom(100);
        int[][] counts = countsFrom(() -> (random.nextInt(256)) % Base62.RADIX);
        assertThat(total(counts)).isGreaterThan(TOTAL_BOUND);
    }

    @Test
    void theUniformityCheckCatchesAConstantPosition() {
        SecureRandom random = Tokens.seededRandom(101);
        int[][] counts = countsFrom(() -> random.nextInt(Base62.RADIX));
        Arrays.fill(counts[5], 0);
        counts[5][17] = SAMPLES;
        assertThat(chiSquare(counts[5])).isGreaterThan(POSITION_BOUND);
    }

    private static void assertUniform(int[][] counts) {
        double expected = (double) SAMPLES / Base62.RADIX;
        for (int p = 0; p < POSITIONS; p++) {
            for (int c = 0; c < Base62.RADIX; c++) {
                assertThat(counts[p][c])
                        .as("'%s' at body position %d", Base62.digit(c), p)
                        .isBetween((int) (expected / 2), (int) (expected * 1.5));
            }
            assertThat(chiSquare(counts[p]))
                    .as("chi-square at body position %d", p)
                    .isLessThan(POSITION_BOUND);
        }
        assertThat(total(counts)).isLessThan(TOTAL_BOUND);
    }

    private static int[][] countsFrom(IntSupplier digits) {
        int[][] counts = new int[POSITIONS][Base62.RADIX];
        for (int i = 0; i < SAMPLES; i++) {
            for (int p = 0; p < POSITIONS; p++) {
                counts[p][digits.getAsInt()]++;
            }
        }
        return counts;
    }

    private static double total(int[][] counts) {
        double sum = 0;
        for (int[] position : counts) {
            sum += chiSquare(position);
        }
        return sum;
    }

    private static double chiSquare(int[] observed) {
        double expected = (double) SAMPLES / observed.length;
        double sum = 0;
        for (int count : observed) {
            sum += (count - expected) * (count - expected) / expected;
        }
        return sum;
    }
}
