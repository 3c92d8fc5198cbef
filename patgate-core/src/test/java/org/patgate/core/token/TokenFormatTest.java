package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.core.PatgateException;
import org.patgate.core.token.TokenParse.Invalid;
import org.patgate.core.token.TokenParse.Reason;
import org.patgate.core.token.TokenParse.Valid;

class TokenFormatTest {

    private final TokenFormat format = TokenFormat.withDefaultPrefix();

    @Test
    void tenThousandGeneratedTokensParseValidHaveTheRightLengthAndMatchTheRegex() {
        SecureRandom random = Tokens.seededRandom(1);
        Pattern regex = Pattern.compile(format.regex());
        for (int i = 0; i < 10_000; i++) {
            String token = format.generate(random);
            assertThat(token).hasSize(format.tokenLength()).startsWith("pat_");
            assertThat(format.parse(token)).isEqualTo(new Valid(token));
            assertThat(regex.matcher(token).matches()).as(token).isTrue();
        }
    }

    @Test
    void tokenLengthIsPrefixPlusBodyPlusChecksum() {
        assertThat(format.tokenLength()).isEqualTo(4 + 28 + 6);
        assertThat(new TokenFormat("acme_").tokenLength()).isEqualTo(5 + 28 + 6);
    }

    @Test
    void checksumIsTheJdkCrc32OfPrefixAndBodyInSixBase62Digits() {
        String token = format.generate(Tokens.seededRandom(2));
        String prefixAndBody = token.substring(0, 4 + 28);
        CRC32 crc = new CRC32();
        crc.update(prefixAndBody.getBytes(StandardCharsets.US_ASCII));
        assertThat(token.substring(32)).isEqualTo(Base62.encode(crc.getValue(), 6));
    }

    @Test
    void anotherInstallationsTokenIsWrongPrefix() {
        String acmeToken = new TokenFormat("acme_").generate(new SecureRandom());
        assertThat(format.parse(acmeToken)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
        String patxToken = new TokenFormat("patx_").generate(new SecureRandom());
        assertThat(format.parse(patxToken)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
        String ours = format.generate(new SecureRandom());
        assertThat(new TokenFormat("acme_").parse(ours)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
        assertThat(new TokenFormat("pa_").parse(ours)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
    }

    @Test
    void surroundingWhitespaceIsRefused() {
        String token = format.generate(new SecureRandom());
        assertThat(format.parse(" " + token)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
        assertThat(format.parse("\t" + token)).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
        assertThat(format.parse(token + " ")).isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
        assertThat(format.parse(token + "\n")).isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
        assertThat(format.parse(token + "\r\n")).isEqualTo(Invalid.of(Reason.WRONG_LENGTH));
    }

    @Test
    void unicodeLookAlikesAreRefused() {
        String token = format.generate(Tokens.seededRandom(3));
        // Cyrillic 'р' (U+0440) for the Latin 'p' of the prefix.
        assertThat(format.parse("\u0440" + token.substring(1))).isEqualTo(Invalid.of(Reason.WRONG_PREFIX));
        // Cyrillic 'а', fullwidth '０' and 'Ł' (U+0141, whose low byte is ASCII 'A') in the body.
        for (char lookAlike : new char[] {'\u0430', '\uff10', '\u0141', '\u0391'}) {
            String mutated = token.substring(0, 10) + lookAlike + token.substring(11);
            assertThat(format.parse(mutated))
                    .as("U+%04X", (int) lookAlike)
                    .isEqualTo(Invalid.of(Reason.ILLEGAL_CHARACTER));
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    void nullAndEmptyAreEmpty(String candidate) {
        assertThat(format.parse(candidate)).isEqualTo(Invalid.of(Reason.EMPTY));
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "null", "undefined", "Bearer", "pat", "pat_", "PAT_", "\u0000", "Basic dXNlcjpwYXNz"})
    void garbageIsInvalidWithoutThrowing(String candidate) {
        assertThat(format.parse(candidate)).isInstanceOf(Invalid.class);
    }

    @Test
    void anyCharSequenceIsAcceptedAndTheTokenIsReturnedAsString() {
        String token = format.generate(new SecureRandom());
        assertThat(format.parse(new StringBuilder(token))).isEqualTo(new Valid(token));
        assertThat(format.isWellFormed(token)).isTrue();
        assertThat(format.isWellFormed(token.substring(1))).isFalse();
    }

    @Test
    void garbageResultsAreSharedInstances() {
        assertThat(format.parse("nope")).isSameAs(format.parse("still nope"));
    }

    @Test
    void customPrefixTokensRoundTrip() {
        TokenFormat acme = new TokenFormat("acme_");
        String token = acme.generate(new SecureRandom());
        assertThat(token).startsWith("acme_").hasSize(39);
        assertThat(acme.parse(token).isValid()).isTrue();
        assertThat(acme.regex()).isEqualTo("\\bacme_[0-9A-Za-z]{34}\\b");
    }

    @Test
    void regexFindsTokensInTextButNotInsideLongerWords() {
        String token = format.generate(new SecureRandom());
        Matcher matcher = Pattern.compile(format.regex()).matcher("export API_TOKEN=" + token + "\n# done");
        assertThat(matcher.find()).isTrue();
        assertThat(matcher.group()).isEqualTo(token);
        assertThat(Pattern.compile(format.regex()).matcher("x" + token).find()).isFalse();
        assertThat(Pattern.compile(format.regex()).matcher(token + "x").find()).isFalse();
        assertThat(format.regex()).isEqualTo("\\bpat_[0-9A-Za-z]{34}\\b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pat_", "acme_", "x_", "a1_", "0_", "abcdefghijklmno_"})
    void acceptedPrefixes(String prefix) {
        assertThat(new TokenFormat(prefix).prefix()).isEqualTo(prefix);
    }

    @Test
    void refusedPrefixesNameTheRule() {
        assertThatThrownBy(() -> new TokenFormat(null))
                .isInstanceOf(InvalidTokenFormatException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> new TokenFormat("_")).hasMessageContaining("2 to 16");
        assertThatThrownBy(() -> new TokenFormat("")).hasMessageContaining("2 to 16");
        assertThatThrownBy(() -> new TokenFormat("abcdefghijklmnop_")).hasMessageContaining("2 to 16");
        assertThatThrownBy(() -> new TokenFormat("pat")).hasMessageContaining("must end with '_'");
        assertThatThrownBy(() -> new TokenFormat("pat-")).hasMessageContaining("must end with '_'");
        for (String prefix : new String[] {"Pat_", "pa_t_", "pat__", "p\u00e4t_", "pa t_", "pat-x_"}) {
            assertThatThrownBy(() -> new TokenFormat(prefix))
                    .as(prefix)
                    .isInstanceOf(InvalidTokenFormatException.class)
                    .isInstanceOf(PatgateException.class)
                    .hasMessageContaining("only lower-case letters a-z and digits 0-9");
        }
    }

    @Test
    void hintIsTheLastFourCharacters() {
        String token = format.generate(new SecureRandom());
        assertThat(TokenFormat.hintOf(token)).isEqualTo(token.substring(34)).hasSize(4);
        assertThatThrownBy(() -> TokenFormat.hintOf("abc")).isInstanceOf(PatgateException.class);
        assertThatThrownBy(() -> TokenFormat.hintOf(null)).isInstanceOf(PatgateException.class);
    }

    @Test
    void validResultDoesNotPrintTheSecret() {
        String token = format.generate(new SecureRandom());
        assertThat(format.parse(token).toString())
                .doesNotContain(token.substring(4, 32))
                .endsWith(TokenFormat.hintOf(token) + "]");
    }

    @Test
    void formatsWithTheSamePrefixAreEqual() {
        assertThat(new TokenFormat("pat_")).isEqualTo(format).hasSameHashCodeAs(format);
        assertThat(new TokenFormat("acme_")).isNotEqualTo(format);
    }
}
