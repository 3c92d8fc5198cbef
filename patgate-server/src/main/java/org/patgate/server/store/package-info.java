/**
 * Storage: the {@link org.patgate.server.store.Database} (HikariCP pool, Flyway migrations, H2 or
 * PostgreSQL) and one repository per table family with its SQL in plain view. Repositories
 * return immutable records and wrap every {@link java.sql.SQLException} in a
 * {@link org.patgate.server.store.StoreException}.
 *
 * <p>Must not decide who may do what or speak HTTP: permissions, policies and audit are the
 * services' job, and messages never hold a value that could be a secret.
 *
 * <p>Floor: foundation, the bottom floor of the server ({@code store}, {@code config},
 * {@code error}, {@code principal} and {@code logging}): it may use only other foundation packages
 * without a cycle, {@code patgate-core} and libraries, never Jetty's server or HTTP classes; every
 * floor above may use it.
 */
package org.patgate.server.store;
