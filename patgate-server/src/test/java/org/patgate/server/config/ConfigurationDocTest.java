package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.internal.ConfigKeys;
import org.patgate.server.config.internal.Durations;

/**
 * Keeps docs/configuration.md honest: every {@code yaml} block loads, every {@code sh} block (which
 * holds only {@code PATGATE_...=...} lines) loads as an environment, and the key table lists every
 * key with its real environment variable and real default. The keys come from their declarations
 * ({@link ConfigKeys#DECLARED}, {@link ConfigKeys#ALL}), not from a list kept here.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```\\s*$");
    private static final Pattern ASSIGNMENT = Pattern.compile("(?:export\\s+)?(PATGATE_[A-Z0-9_]+)=(.*)");
    private static final Pattern KEY_ROW =
            Pattern.compile("\\|\\s*`([^`]+)`\\s*\\|\\s*`([^`]*)`\\s*\\|\\s*`([^`]+)`\\s*\\|.*");

    @TempDir
    Path directory;

    @Test
    void everyYamlExampleLoads() throws IOException {
        List<String> blocks = blocks("yaml");

        assertThat(blocks).as("yaml examples in %s", DOC).hasSizeGreaterThanOrEqualTo(2);
        for (String yaml : blocks) {
            Path file = Files.writeString(Files.createTempFile(directory, "example", ".yml"), yaml);
            assertThatCode(() -> PatgateConfig.load(file, Map.of()))
                    .as("example:%n%s", yaml)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void everyEnvironmentExampleLoads() throws IOException {
        List<String> blocks = blocks("sh");

        assertThat(blocks).as("sh examples in %s", DOC).isNotEmpty();
        for (String block : blocks) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : block.lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher assignment = ASSIGNMENT.matcher(line);
                if (!assignment.matches()) {
                    fail("sh blocks hold only PATGATE_...=... lines, found: " + line);
                }
                env.put(assignment.group(1), unquote(assignment.group(2)));
            }
            assertThat(env).isNotEmpty();
            PatgateConfig config = PatgateConfig.load(null, env);
            assertThat(config).isNotEqualTo(PatgateConfig.defaults());
        }
    }

    @Test
    void keyTableListsEveryKeyWithItsEnvironmentVariable() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String[] row : keyRows()) {
            documented.put(row[0], row[2]);
        }

        Map<String, String> actual = new LinkedHashMap<>();
        ConfigKeys.ALL.forEach(key -> actual.put(key.path(), key.envName()));
        assertThat(documented).containsExactlyInAnyOrderEntriesOf(actual);
    }

    @Test
    void declaredSettingsAreDocumentedWithTheirEnvironmentVariableAndDefault() throws IOException {
        Map<String, String[]> documented = new LinkedHashMap<>();
        for (String[] row : keyRows()) {
            documented.put(row[0], row);
        }

        assertThat(ConfigKeys.DECLARED).extracting(Setting::key).contains("rest.sessionCookies", "limits.upstreamWait");
        for (Setting<?, ?> setting : ConfigKeys.DECLARED) {
            String[] row = documented.get(setting.key());
            assertThat(row).as("row of %s", setting.key()).isNotNull();
            assertThat(row[2]).as("environment variable of %s", setting.key()).isEqualTo(setting.envName());
            String documentedDefault = unquote(row[1]);
            if (setting.type() instanceof SettingType.Span) {
                // 60s and 1m are the same duration.
                assertThat(Durations.parse(documentedDefault))
                        .as("default of %s", setting.key())
                        .isEqualTo(setting.defaultFor(UpstreamProduct.GENERIC));
            } else {
                assertThat(documentedDefault).as("default of %s", setting.key()).isEqualTo(shown(setting));
            }
        }
    }

    /** A default as the key table writes it: {@code block}, {@code 5s}, {@code ["/rest/**"]} (generic product). */
    private static <T> String shown(Setting<?, T> setting) {
        Object wire = setting.toWire(setting.defaultFor(UpstreamProduct.GENERIC));
        return wire instanceof List<?> items
                ? items.stream().map(item -> "\"" + item + "\"").collect(Collectors.joining(", ", "[", "]"))
                : String.valueOf(wire);
    }

    @Test
    void documentedDefaultsAreTheRealDefaults() throws IOException {
        for (String[] row : keyRows()) {
            String key = row[0];
            int dot = key.indexOf('.');
            String yaml = dot < 0
                    ? key + ": " + row[1] + "\n"
                    : key.substring(0, dot) + ":\n  " + key.substring(dot + 1) + ": " + row[1] + "\n";
            Path file = Files.writeString(Files.createTempFile(directory, "default", ".yml"), yaml);

            assertThat(PatgateConfig.load(file, Map.of()))
                    .as("documented default of %s", key)
                    .isEqualTo(PatgateConfig.defaults());
        }
    }

    private static List<String[]> keyRows() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher row = KEY_ROW.matcher(line);
            if (row.matches() && row.group(3).startsWith("PATGATE_")) {
                rows.add(new String[] {row.group(1), row.group(2), row.group(3)});
            }
        }
        assertThat(rows).as("key table rows in %s", DOC).isNotEmpty();
        return rows;
    }

    private static List<String> blocks(String language) throws IOException {
        String markdown = Files.readString(DOC);
        List<String> blocks = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        while (fence.find()) {
            if (fence.group(1).equals(language)) {
                blocks.add(fence.group(2));
            }
        }
        return blocks;
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
