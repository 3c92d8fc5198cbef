package org.patgate.server.app;

import java.time.Instant;
import java.util.List;
import org.patgate.server.identity.SigningKeys;
import org.patgate.server.store.Database;
import org.patgate.server.store.JwtKeyRecord;

/** The identity JWT signing keys kept in the database, shared by every node. Thread-safe. */
final class DatabaseKeyStore implements SigningKeys.KeyStore {

    private final Database database;

    DatabaseKeyStore(Database database) {
        this.database = database;
    }

    @Override
    public List<JwtKeyRecord> all() {
        return database.jwtKeys().all();
    }

    @Override
    public void insert(JwtKeyRecord key) {
        database.jwtKeys().insert(key);
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
        return database.jwtKeys().deleteOlderThan(cutoff);
    }
}
