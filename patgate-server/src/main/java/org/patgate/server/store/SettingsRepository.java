package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.patgate.server.store.internal.Jdbc;

/**
 * Runtime settings ({@code settings}): one JSON document per section, replaced as a whole. The store
 * does not read the document; the settings package owns its shape. Thread-safe.
 */
public final class SettingsRepository {

    /** The largest document the column holds; longer ones are refused, never truncated. */
    public static final int MAX_DOCUMENT_LENGTH = 100_000;

    private static final String FIND = "SELECT name, document, updated_by, updated_at FROM settings WHERE name = ?";
    private static final String DELETE = "DELETE FROM settings WHERE name = ?";
    private static final String INSERT =
            "INSERT INTO settings (name, document, updated_by, updated_at) VALUES (?, ?, ?, ?)";

    private final Jdbc jdbc;

    SettingsRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored section: its JSON document and who stored it when. */
    public record Row(String name, String document, String updatedBy, Instant updatedAt) {
        public Row {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(document, "document");
            Objects.requireNonNull(updatedBy, "updatedBy");
            Objects.requireNonNull(updatedAt, "updatedAt");
            if (document.length() > MAX_DOCUMENT_LENGTH) {
                throw new StoreException("settings '" + name + "' are " + document.length()
                        + " characters long; at most " + MAX_DOCUMENT_LENGTH + " can be stored");
            }
        }
    }

    public Optional<Row> find(String name) {
        return jdbc.one(
                "read settings '" + name + "'",
                FIND,
                s -> s.setString(1, name),
                row -> new Row(
                        row.getString("name"),
                        row.getString("document"),
                        row.getString("updated_by"),
                        Jdbc.getInstant(row, "updated_at")));
    }

    /** Stores a section, replacing what was stored before, in one transaction. */
    public void put(Row row) {
        jdbc.inTransaction("store settings '" + row.name() + "'", connection -> {
            Jdbc.update(connection, DELETE, s -> s.setString(1, row.name()));
            Jdbc.update(connection, INSERT, s -> {
                s.setString(1, row.name());
                s.setString(2, row.document());
                s.setString(3, row.updatedBy());
                Jdbc.setInstant(s, 4, row.updatedAt());
            });
            return null;
        });
    }

    /** Removes a section, so that it follows the configuration again; true if one was stored. */
    public boolean delete(String name) {
        return jdbc.update("remove settings '" + name + "'", DELETE, s -> s.setString(1, name)) > 0;
    }
}
