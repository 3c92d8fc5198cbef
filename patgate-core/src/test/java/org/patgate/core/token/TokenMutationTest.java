package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patgate.core.token.TokenParse.Invalid;
import org.patgate.core.token.TokenParse.Reason;

/**
 * Property-style: for hundreds of random tokens, every small corruption a human or a copy-paste
 * can make is refused, with the reason the rules make deterministic. CRC32 detects every burst
 * error of up to 32 bits, so any single substitution or adjacent swap inside prefix+body is
 * caught for certain, and the checksum is compared character by character, so any change to it
 * is too.
 */
class TokenMutationTest {

    private static final int TOKENS = 300;
    private static final char[] NON_BASE62 = {
        '-', '_', ' ', '.', '/', '+', '=', '\u0000', '\n', '\u00e9', '\u0430', '\uff10', '\u0141', '\u200b'
    };

    private final TokenFormat format = TokenFormat.withDefaultPrefix();
    private final int prefixLength = format.prefix().length();

    @Test
    void everySingleCharacterSubstitutionIsRefused() {
        SecureRandom random = Tokens.seededRandom(42);
        int checked = 0;
        for (int t = 0; t < TOKENS; t++) {
            String token = format.generate(random);
            for (int position = 0; position < token.length(); position++) {
                for (char replacement : replacementsFor(token.charAt(position), random)) {
                    String mutated = token.substring(0, position) + replacement + token.substring(position + 1);
                    Reason expected = position < prefixLength
                            ? Reason.WRONG_PREFIX
                            : Base62.isDigit(replacement) ? Reason.BAD_CHECKSUM : Reason.ILLEGAL_CHARACTER;
                    assertThat(format.parse(mutated))
                            .as("%s with U+%04X at %d", token, (int) replacement, position)
                            .isEqualTo(Invalid.of(expected));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(TOKENS * format.tokenLength() * 10);
    }

    @Test
    void everyAdjacentTranspositionOfDistinctCharactersIsRefused() {
        SecureRandom random = Tokens.seededRandom(43);
        int checked = 0;
        for (int t = 0; t < TOKENS; t++) {
            String token = format.generate(random);
            for (int i = 0; i + 1 < token.length(); i++) {
                if (token.charAt(i) == token.charAt(i + 1)) {
                    continue;
                }
                char[] chars = token.toCharArray();
                chars[i] = token.charAt(i + 1);
                chars[i + 1] = token.charAt(i);
                String swapped = new String(chars);
                Reason expected = i < prefixLength ? Reason.WRONG_PREFIX : Reason.BAD_CHECKSUM;
                assertThat(format.parse(swapped))
                        .as("%s swapped at %d", token, i)
                        .isEqualTo(Invalid.of(expected));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(TOKENS * 30);
    }

    @Test
    void everyTruncationIsRefused() {
        SecureRandom random = Tokens.seededRandom(44);
        for (int t = 0; t < TOKENS; t++) {
            String token = format.generate(random);
            for (int length = 0; length < token.length(); length++) {
                Reason expected =
                        length == 0 ? Reason.EMPTY : length < prefixLength ? Reason.WRONG_PREFIX : Reason.WRONG_LENGTH;
                assertThat(format.parse(token.substring(0, length)))
                        .as("%s cut to %d", token, length)
                        .isEqualTo(Invalid.of(expected));
                // Dropping a character from the middle shifts the rest: also a wrong length.
                if (length >= prefixLength) {
                    String dropped = token.substring(0, length) + token.substring(length + 1);
                    assertThat(format.parse(dropped)).isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
                }
            }
        }
    }

    @Test
    void everyExtensionIsRefused() {
        SecureRandom random = Tokens.seededRandom(45);
        for (int t = 0; t < TOKENS; t++) {
            String token = format.generate(random);
            for (char extra : new char[] {'0', 'a', 'Z', '=', ' ', '\u0430'}) {
                assertThat(format.parse(token + extra)).isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
                assertThat(format.parse(extra + token)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
                int middle = prefixLength + random.nextInt(token.length() - prefixLength);
                assertThat(format.parse(token.substring(0, middle) + extra + token.substring(middle)))
                        .isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
            }
            assertThat(format.parse(token + token)).isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
        }
    }

    /** Three other base62 digits plus a fixed set of non-base62 characters. */
    private static List<Character> replacementsFor(char original, SecureRandom random) {
        List<Character> replacements = new ArrayList<>();
        while (replacements.size() < 3) {
            char other = Base62.digit(random.nextInt(Base62.RADIX));
            if (other != original && !replacements.contains(other)) {
                replacements.add(other);
            }
        }
        for (char c : NON_BASE62) {
            if (c != original) {
                replacements.add(c);
            }
        }
        return replacements;
    }
}
