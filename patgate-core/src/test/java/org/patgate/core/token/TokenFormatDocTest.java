package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps docs/token-format.md honest: its regex and example tokens are checked against the code. */
class TokenFormatDocTest {

    private static final Path DOC = Path.of("..", "docs", "token-format.md");

    private static String doc;
    private static Map<String, List<String>> blocks;

    @BeforeAll
    static void readDoc() throws IOException {
        doc = Files.readString(DOC, StandardCharsets.UTF_8);
        blocks = fencedBlocks(doc);
    }

    @Test
    void publishedRegexIsTheOneTheCodeUses() {
        assertThat(blocks.get("regex")).as("```regex blocks").hasSize(1);
        assertThat(blocks.get("regex").get(0).strip())
                .isEqualTo(TokenFormat.withDefaultPrefix().regex());
    }

    @Test
    void everyExampleTokenIsValidForItsPrefixAndMatchesThePublishedRegex() {
        String publishedRegex = blocks.get("regex").get(0).strip();
        List<String> examples = exampleTokens();
        assertThat(examples).isNotEmpty().anyMatch(token -> token.startsWith(TokenFormat.DEFAULT_PREFIX));
        for (String token : examples) {
            String prefix = token.substring(0, token.indexOf('_') + 1);
            assertThat(new TokenFormat(prefix).parse(token)).as(token).isEqualTo(new TokenParse.Valid(token));
            Pattern pattern = Pattern.compile(publishedRegex.replace(TokenFormat.DEFAULT_PREFIX, prefix));
            assertThat(pattern.matcher(token).matches()).as(token).isTrue();
            if (prefix.equals(TokenFormat.DEFAULT_PREFIX)) {
                assertThat(Pattern.compile(publishedRegex).matcher(token).matches())
                        .as(token)
                        .isTrue();
            }
        }
    }

    @Test
    void workedChecksumExampleAgreesWithTheFirstToken() {
        String token = exampleTokens().get(0);
        String body = token.substring(4, 4 + TokenFormat.BODY_LENGTH);
        String checksum = token.substring(4 + TokenFormat.BODY_LENGTH);
        CRC32 crc = new CRC32();
        crc.update(token.substring(0, 4 + TokenFormat.BODY_LENGTH).getBytes(StandardCharsets.US_ASCII));
        assertThat(doc)
                .contains(
                        "`" + body + "`",
                        "`" + checksum + "`",
                        "`" + TokenFormat.hintOf(token) + "`",
                        String.format("`0x%08x` = %d", crc.getValue(), crc.getValue()));
        assertThat(blocks.get("python")).singleElement().asString().contains('"' + token + '"');
    }

    @Test
    void scannerExamplesUseTheCustomPrefixExample() {
        String custom = exampleTokens().stream()
                .filter(t -> !t.startsWith(TokenFormat.DEFAULT_PREFIX))
                .findFirst()
                .orElseThrow();
        TokenFormat format = new TokenFormat(custom.substring(0, custom.indexOf('_') + 1));
        assertThat(blocks.get("toml"))
                .singleElement()
                .asString()
                .contains("regex = '''" + format.regex() + "'''")
                .contains("keywords = [\"" + format.prefix() + "\"]");
        assertThat(doc).contains("Secret format: `" + format.prefix() + "[0-9A-Za-z]{34}`");
        assertThat(doc).contains("prefix: " + format.prefix());
    }

    private static List<String> exampleTokens() {
        List<String> tokens = new ArrayList<>();
        for (String block : blocks.getOrDefault("text", List.of())) {
            block.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(tokens::add);
        }
        return tokens;
    }

    /** Fenced code blocks by info string ("" for none), in document order. */
    private static Map<String, List<String>> fencedBlocks(String markdown) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        String language = null;
        StringBuilder content = new StringBuilder();
        for (String line : markdown.split("\n", -1)) {
            if (language == null && line.startsWith("```")) {
                language = line.substring(3).strip();
                content.setLength(0);
            } else if (language != null && line.strip().equals("```")) {
                result.computeIfAbsent(language, key -> new ArrayList<>()).add(content.toString());
                language = null;
            } else if (language != null) {
                content.append(line).append('\n');
            }
        }
        assertThat(language).as("unclosed code block").isNull();
        return result;
    }
}
