package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** {@link TokenFormat#looksLikeTokenIn}: what counts as a token seen in free text (headers, queries). */
class TokenSightingTest {

    private final TokenFormat format = TokenFormat.withDefaultPrefix();
    private final String token = format.generate(Tokens.seededRandom(7));

    @Test
    void aTokenIsSeenWhereverItStands() {
        assertThat(format.looksLikeTokenIn(token)).isTrue();
        assertThat(format.looksLikeTokenIn("Bearer " + token)).isTrue();
        assertThat(format.looksLikeTokenIn("a=b; session=" + token + "; c=d")).isTrue();
        assertThat(format.looksLikeTokenIn("\t" + token + "  ")).isTrue();
        // Glued to other letters: the checksum still proves it is a token.
        assertThat(format.looksLikeTokenIn("xyz" + token + "abc")).isTrue();
        assertThat(format.looksLikeTokenIn(new StringBuilder("x:").append(token)))
                .isTrue();
    }

    @Test
    void nearMissesAtTheStartOfAWordCountAsTokens() {
        assertThat(format.looksLikeTokenIn(token.substring(0, token.length() - 1)))
                .as("truncated")
                .isTrue();
        char last = token.charAt(token.length() - 1);
        assertThat(format.looksLikeTokenIn(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A')))
                .as("bad checksum")
                .isTrue();
        assertThat(format.looksLikeTokenIn("pat_" + "a".repeat(TokenFormat.NEAR_MISS_BODY)))
                .isTrue();
    }

    @Test
    void ordinaryTextIsNotATokenSighting() {
        assertThat(format.looksLikeTokenIn(null)).isFalse();
        assertThat(format.looksLikeTokenIn("")).isFalse();
        assertThat(format.looksLikeTokenIn("pat_")).isFalse();
        assertThat(format.looksLikeTokenIn("pat_" + "a".repeat(TokenFormat.NEAR_MISS_BODY - 1)))
                .isFalse();
        assertThat(format.looksLikeTokenIn("compat_" + "a".repeat(40)))
                .as("inside a word, wrong checksum")
                .isFalse();
        assertThat(format.looksLikeTokenIn("PAT_" + token.substring(4)))
                .as("prefixes are lower-case")
                .isFalse();
        assertThat(format.looksLikeTokenIn(new TokenFormat("acme_").generate(new SecureRandom())))
                .as("another installation's token")
                .isFalse();
    }

    @Test
    void anotherPrefixIsLookedForWhenConfigured() {
        TokenFormat acme = new TokenFormat("acme_");
        String acmeToken = acme.generate(Tokens.seededRandom(3));
        assertThat(acme.looksLikeTokenIn("X-Api-Key " + acmeToken)).isTrue();
        assertThat(acme.looksLikeTokenIn(token)).isFalse();
    }
}
