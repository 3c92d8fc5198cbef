package org.patgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy configuration as docs/integrations.md shows it, with its addresses replaced for a test: what
 * the page shows is what the tests run. Immutable.
 */
public final class DocumentedConfig {

    /** The page the blocks come from. */
    public static final Path INTEGRATIONS = Path.of("../docs/integrations.md");

    private final String language;
    private final String text;

    private DocumentedConfig(String language, String text) {
        this.language = language;
        this.text = text;
    }

    /** The first fenced block of {@code language} (e.g. {@code nginx}) on the integrations page. */
    public static DocumentedConfig block(String language) {
        String page;
        try {
            page = Files.readString(INTEGRATIONS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher block = Pattern.compile("(?ms)^```" + Pattern.quote(language) + "\\n(.*?)^```$")
                .matcher(page);
        assertThat(block.find())
                .as("a %s block in docs/integrations.md", language)
                .isTrue();
        return new DocumentedConfig(language, block.group(1));
    }

    /** {@code placeholder}, which the block must hold exactly once, replaced. */
    public DocumentedConfig once(String placeholder, String replacement) {
        assertThat(text.split(Pattern.quote(placeholder), -1))
                .as("exactly one '%s' in the documented %s block", placeholder, language)
                .hasSize(2);
        return new DocumentedConfig(language, text.replace(placeholder, replacement));
    }

    /** Every {@code placeholder} replaced. */
    public DocumentedConfig all(String placeholder, String replacement) {
        return new DocumentedConfig(language, text.replace(placeholder, replacement));
    }

    public String text() {
        return text;
    }
}
