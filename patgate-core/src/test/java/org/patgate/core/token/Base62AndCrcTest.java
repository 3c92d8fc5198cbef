package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.patgate.core.PatgateException;

class Base62AndCrcTest {

    @Test
    void alphabetIsDigitsThenUpperThenLower() {
        assertThat(Base62.ALPHABET).hasSize(62).startsWith("0123456789ABC").endsWith("xyz");
        assertThat(Base62.digit(0)).isEqualTo('0');
        assertThat(Base62.digit(10)).isEqualTo('A');
        assertThat(Base62.digit(36)).isEqualTo('a');
        assertThat(Base62.digit(61)).isEqualTo('z');
        for (int i = 0; i < 62; i++) {
            assertThat(Base62.valueOf(Base62.digit(i))).isEqualTo(i);
        }
    }

    @Test
    void nonDigitsHaveNoValue() {
        for (char c : new char[] {'-', '_', ' ', '+', '/', '=', '\u0000', '\u00e9', '\u0430', '\uff10', '\u0141'}) {
            assertThat(Base62.valueOf(c)).as("value of U+%04X", (int) c).isEqualTo(-1);
            assertThat(Base62.isDigit(c)).isFalse();
        }
    }

    @Test
    void encodingIsFixedWidthLeftPaddedAndRoundTrips() {
        assertThat(Base62.encode(0, 6)).isEqualTo("000000");
        assertThat(Base62.encode(61, 6)).isEqualTo("00000z");
        assertThat(Base62.encode(62, 6)).isEqualTo("000010");
        assertThat(Base62.encode(0xFFFFFFFFL, 6)).isEqualTo("4gfFC3");
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextLong() & 0xFFFFFFFFL;
            String encoded = Base62.encode(value, 6);
            assertThat(Base62.decode(encoded, 0, 6)).isEqualTo(value);
            assertThat(Base62.matches(encoded, 0, 6, value)).isTrue();
            assertThat(Base62.matches(encoded, 0, 6, value ^ 1)).isFalse();
        }
    }

    @Test
    void valuesThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> Base62.encode(62, 1)).isInstanceOf(PatgateException.class);
        assertThatThrownBy(() -> Base62.encode(-1, 6)).isInstanceOf(PatgateException.class);
        assertThat(Base62.decode("12-4", 0, 4)).isEqualTo(-1);
    }

    @Test
    void crcMatchesTheJdkCrc32OverAsciiBytes() {
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            char[] chars = new char[random.nextInt(64)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = (char) (32 + random.nextInt(95));
            }
            String text = new String(chars);
            CRC32 jdk = new CRC32();
            jdk.update(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(Crc32.finish(Crc32.update(Crc32.INITIAL, text, 0, text.length())))
                    .isEqualTo(jdk.getValue());
        }
        // Classic check value of CRC-32/ISO-HDLC.
        assertThat(Crc32.finish(Crc32.update(Crc32.INITIAL, "123456789", 0, 9))).isEqualTo(0xCBF43926L);
    }
}
