package org.patgate.server.store;

import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.patgate.server.testing.PostgresTest;

/**
 * Base of the store tests. Subclasses are {@code @ParameterizedClass} over {@link StoreBackend},
 * so every test runs once on H2 and once on a real PostgreSQL; each backend gets one fresh
 * database per test class, emptied before each test.
 */
@PostgresTest
abstract class StoreTestBase {

    /** Nanosecond precision on purpose: the store keeps microseconds. */
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

    private static StoreBackend.TestStore store;

    @Parameter
    StoreBackend backend;

    Database db;

    @BeforeParameterizedClassInvocation
    static void createDatabase(StoreBackend backend) {
        store = backend.create();
    }

    @AfterParameterizedClassInvocation
    static void dropDatabase() {
        store.close();
        store = null;
    }

    @BeforeEach
    final void emptyDatabase() {
        store.wipe();
        db = store.database();
    }

    static StoreBackend.TestStore store() {
        return store;
    }

    UserRecord user(String username) {
        return db.users()
                .create(new NewUser(
                        username, username + " Display", username + "@example.org", null, NewUser.SOURCE_LOCAL, true));
    }
}
