package org.patgate.server.store;

import java.time.Instant;
import java.util.List;
import org.patgate.server.store.internal.Jdbc;

/** Signing keys for identity JWTs ({@code jwt_keys}), newest first. Thread-safe. */
public final class JwtKeyRepository {

    private static final String ALL = """
            SELECT kid, public_x, public_y, private_encrypted, created_at FROM jwt_keys ORDER BY created_at DESC, kid""";
    private static final String INSERT = """
            INSERT INTO jwt_keys (kid, public_x, public_y, private_encrypted, created_at) VALUES (?, ?, ?, ?, ?)""";
    private static final String DELETE_OLDER = "DELETE FROM jwt_keys WHERE created_at < ?";

    private final Jdbc jdbc;

    JwtKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<JwtKeyRecord> all() {
        return jdbc.list(
                "read signing keys",
                ALL,
                Jdbc.NO_PARAMETERS,
                row -> new JwtKeyRecord(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        Jdbc.getInstant(row, "created_at")));
    }

    public void insert(JwtKeyRecord key) {
        jdbc.update("store signing key " + key.kid(), INSERT, s -> {
            s.setString(1, key.kid());
            s.setString(2, key.publicX());
            s.setString(3, key.publicY());
            s.setString(4, key.privateEncrypted());
            Jdbc.setInstant(s, 5, key.createdAt());
        });
    }

    /** Removes keys made before {@code cutoff}; they can no longer have live JWTs. */
    public int deleteOlderThan(Instant cutoff) {
        return jdbc.update("remove old signing keys", DELETE_OLDER, s -> Jdbc.setInstant(s, 1, cutoff));
    }
}
