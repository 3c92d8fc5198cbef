package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rolling upgrades: a node of the previous version runs beside a newer one on one schema. Migrations
 * after the previous version's only expand the schema (new tables, nullable or defaulted columns,
 * indexes), so the older node's statements keep working; and the older node's Flyway, which knows
 * fewer migrations, starts on the newer schema instead of refusing it. On H2 and PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class MigrationCompatibilityTest extends StoreTestBase {

    /**
     * The last migration the previous version knows: the schema before Data Center mode. Raise it to
     * the newest migration whenever a version is released; contracting changes go in after that.
     */
    static final int PREVIOUS_VERSION_SCHEMA = 13;

    static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /** What an older node cannot live with: a table, column or name it uses taken away or made stricter. */
    static final List<Pattern> CONTRACTING = Stream.of(
                    "\\bDROP\\s+(TABLE|COLUMN|CONSTRAINT|VIEW)\\b",
                    "\\bRENAME\\b",
                    "\\bALTER\\s+COLUMN\\s+\\w+\\s+(SET\\s+DATA\\s+)?TYPE\\b",
                    "\\bSET\\s+NOT\\s+NULL\\b",
                    "\\bTRUNCATE\\b",
                    "\\bADD\\s+(COLUMN\\s+)?\\w+\\s+[^,;]*\\bNOT\\s+NULL\\b(?![^,;]*\\bDEFAULT\\b)")
            .map(regex -> Pattern.compile(regex, Pattern.CASE_INSENSITIVE))
            .toList();

    @Test
    void migrationsAfterThePreviousVersionOnlyExpandTheSchema() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : newerMigrations()) {
            String sql = withoutComments(Files.readString(file));
            for (Pattern pattern : CONTRACTING) {
                Matcher matcher = pattern.matcher(sql);
                while (matcher.find()) {
                    found.add(file.getFileName() + ": " + matcher.group());
                }
            }
        }
        assertThat(newerMigrations()).as("this version adds migrations").isNotEmpty();
        assertThat(found)
                .as("contracting statements in migrations a previous node must live with")
                .isEmpty();
    }

    @Test
    void theGuardSeesAContractingStatement() {
        String sql = "ALTER TABLE tokens ADD COLUMN tier VARCHAR(8) NOT NULL;\nALTER TABLE users DROP COLUMN email;";
        assertThat(CONTRACTING.stream().filter(p -> p.matcher(sql).find())).hasSize(2);
        assertThat(CONTRACTING.stream()
                        .filter(p -> p.matcher("ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0;")
                                .find()))
                .isEmpty();
    }

    @Test
    void aNodeThatKnowsOnlyTheEarlierMigrationsStartsOnTheNewerSchema(@TempDir Path earlier) throws IOException {
        for (Path file : allMigrations()) {
            if (version(file) <= PREVIOUS_VERSION_SCHEMA) {
                Files.copy(file, earlier.resolve(file.getFileName()));
            }
        }
        // The schema is already at the newest version (the database the test class opened).
        assertThat(db).isNotNull();

        MigrateResult older = Flyway.configure()
                .dataSource(store().url, store().username, store().password)
                .locations("filesystem:" + earlier.toAbsolutePath())
                .load()
                .migrate();

        assertThat(older.success).isTrue();
        assertThat(older.migrationsExecuted).isZero();
        assertThat(older.targetSchemaVersion).isNull();
    }

    private static List<Path> newerMigrations() throws IOException {
        return allMigrations().stream()
                .filter(file -> version(file) > PREVIOUS_VERSION_SCHEMA)
                .toList();
    }

    private static List<Path> allMigrations() throws IOException {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            return files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted()
                    .toList();
        }
    }

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("--[^\\n]*", "").replaceAll("(?s)/\\*.*?\\*/", "");
    }
}
