package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.internal.ConfigKeys;

/**
 * Keeps docs/ldap.md honest: every {@code yaml} block is a configuration the real loader accepts and
 * that turns the LDAP directory on (with the service account's password from the environment, as the
 * page recommends), and every key its settings table names is a {@code directory.ldap} key.
 */
class LdapDocTest {

    private static final Path DOC = Path.of("../docs/ldap.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$");

    @TempDir
    Path dir;

    @Test
    void everyYamlExampleLoadsAndEnablesTheLdapDirectory() throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(Files.readString(DOC));
        while (block.find()) {
            blocks.add(block.group(1));
        }

        assertThat(blocks).as("yaml examples in %s", DOC).hasSizeGreaterThanOrEqualTo(3);
        for (String yaml : blocks) {
            Path file = Files.writeString(Files.createTempFile(dir, "ldap", ".yml"), yaml);
            PatgateConfig config = PatgateConfig.load(file, Map.of("PATGATE_DIRECTORY_LDAP_BINDPASSWORD", "from-env"));
            assertThat(config.directory().ldap()).as("example:%n%s", yaml).isPresent();
        }
    }

    @Test
    void everyKeyInTheSettingsTableIsADirectoryLdapKey() throws IOException {
        String page = Files.readString(DOC);
        String table = page.substring(page.indexOf("## Settings"), page.indexOf("###", page.indexOf("## Settings")));
        Matcher cells =
                Pattern.compile("(?m)^\\| ((?:`[a-zA-Z]+`(?:, )?)+) \\|").matcher(table);
        List<String> keys = new ArrayList<>();
        while (cells.find()) {
            Matcher key = Pattern.compile("`([a-zA-Z]+)`").matcher(cells.group(1));
            while (key.find()) {
                keys.add(key.group(1));
            }
        }

        assertThat(keys).hasSizeGreaterThanOrEqualTo(20);
        assertThat(keys)
                .allSatisfy(key -> assertThat(ConfigKeys.byPath("directory.ldap." + key))
                        .as("directory.ldap." + key)
                        .isPresent());
        assertThat(ConfigKeys.ALL)
                .filteredOn(k -> k.path().startsWith("directory.ldap."))
                .allSatisfy(k -> assertThat(keys).contains(k.path().substring("directory.ldap.".length())));
    }
}
