package org.patgate.server.cluster.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.patgate.server.cluster.NodeRecord;
import org.patgate.server.store.StoreException;

/**
 * The SQL of the {@code cluster_nodes} table (migration V15), the same on H2 and PostgreSQL. Each
 * statement runs on its own pooled connection in auto-commit. Failures surface as
 * {@link StoreException} naming the operation and SQL state. Thread-safe.
 */
public final class NodeTable {

    private static final String COLUMNS = "id, address, version, started_at, last_seen, heartbeat_interval_ms,"
            + " token_cache_entries, activity_queued, activity_dropped, database_ms";
    private static final String INSERT =
            "INSERT INTO cluster_nodes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BEAT = "UPDATE cluster_nodes SET last_seen = ?, token_cache_entries = ?,"
            + " activity_queued = ?, activity_dropped = ?, database_ms = ? WHERE id = ?";

    private final DataSource dataSource;

    public NodeTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Writes {@code node} as new, replacing a row of the same id: a node restarted under the same name
     * (or killed before it could remove itself) starts afresh.
     */
    public void register(NodeRecord node) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM cluster_nodes WHERE id = ?");
                    PreparedStatement insert = connection.prepareStatement(INSERT)) {
                delete.setString(1, node.id());
                delete.executeUpdate();
                bind(insert, node);
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("register a cluster node", e);
        }
    }

    /** Refreshes the node's row; false when it is not there (another node deleted it as a day old). */
    public boolean beat(NodeRecord node) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(BEAT)) {
            update.setObject(1, utc(node.lastSeen()));
            update.setLong(2, node.tokenCacheEntries());
            update.setLong(3, node.activityQueued());
            update.setLong(4, node.activityDropped());
            update.setLong(5, node.databaseMillis());
            update.setString(6, node.id());
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("record a cluster heartbeat", e);
        }
    }

    /** Deletes the node's row (clean stop). */
    public void remove(String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM cluster_nodes WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw failure("remove a cluster node", e);
        }
    }

    /** Deletes the rows last seen before {@code cutoff}; returns how many. */
    public int removeSilentSince(Instant cutoff) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM cluster_nodes WHERE last_seen < ?")) {
            delete.setObject(1, utc(cutoff));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw failure("remove long-gone cluster nodes", e);
        }
    }

    /** Every row, by id. */
    public List<NodeRecord> all() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT " + COLUMNS + " FROM cluster_nodes ORDER BY id");
                ResultSet rows = select.executeQuery()) {
            List<NodeRecord> nodes = new ArrayList<>();
            while (rows.next()) {
                nodes.add(new NodeRecord(
                        rows.getString("id"),
                        rows.getString("address"),
                        rows.getString("version"),
                        rows.getObject("started_at", OffsetDateTime.class).toInstant(),
                        rows.getObject("last_seen", OffsetDateTime.class).toInstant(),
                        Duration.ofMillis(rows.getLong("heartbeat_interval_ms")),
                        rows.getLong("token_cache_entries"),
                        rows.getLong("activity_queued"),
                        rows.getLong("activity_dropped"),
                        rows.getLong("database_ms")));
            }
            return nodes;
        } catch (SQLException e) {
            throw failure("read the cluster nodes", e);
        }
    }

    private static void bind(PreparedStatement insert, NodeRecord node) throws SQLException {
        insert.setString(1, node.id());
        insert.setString(2, node.address());
        insert.setString(3, node.version());
        insert.setObject(4, utc(node.startedAt()));
        insert.setObject(5, utc(node.lastSeen()));
        insert.setLong(6, node.heartbeatInterval().toMillis());
        insert.setLong(7, node.tokenCacheEntries());
        insert.setLong(8, node.activityQueued());
        insert.setLong(9, node.activityDropped());
        insert.setLong(10, node.databaseMillis());
    }

    /** Microseconds: the finest precision both databases keep. */
    private static OffsetDateTime utc(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static StoreException failure(String operation, SQLException e) {
        return new StoreException("cannot " + operation + " (SQL state " + e.getSQLState() + ")", e);
    }
}
