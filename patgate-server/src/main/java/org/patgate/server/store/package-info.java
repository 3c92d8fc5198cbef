/**
 * Storage: the {@link org.patgate.server.store.Database} (HikariCP pool, Flyway migrations, H2 or
 * PostgreSQL) and one repository per table family with its SQL in plain view. Repositories
 * return immutable records and wrap every {@link java.sql.SQLException} in a
 * {@link org.patgate.server.store.StoreException}.
 */
package org.patgate.server.store;
