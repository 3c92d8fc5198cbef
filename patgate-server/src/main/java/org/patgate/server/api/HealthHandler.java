package org.patgate.server.api;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.cluster.DatabaseWatch;
import org.patgate.server.http.Json;
import org.patgate.server.store.Database;

/**
 * {@code GET /.patgate/health}: 200 {@code {"status":"UP",...}} when the server can serve; 503
 * {@code DEGRADED} with a {@code reason} once the node has not reached its database for longer than
 * {@code cluster.databaseGrace} (load balancers take it out; it still answers tokens it checked
 * recently); 503 {@code DOWN} when the database is closed or, without a {@link DatabaseWatch}, does not
 * answer. With a watch the answer never waits on the database: the heartbeat probes it. No
 * authentication, no secrets. Thread-safe.
 */
public final class HealthHandler extends Handler.Abstract {

    public static final String PATH = "/.patgate/health";

    private final Database database;
    private final String version;
    private final ActivityRecorder activity;
    private final LongSupplier passwordsOutside;
    private final Supplier<Map<String, Object>> limits;
    private final Supplier<Map<String, Object>> dataPlane;
    private final DatabaseWatch watch;

    public HealthHandler(Database database, ActivityRecorder activity, String version) {
        this(database, activity, version, () -> 0, Map::of, () -> Map.of("engine", "jetty"));
    }

    /**
     * @param passwordsOutside how many password credentials the gateway saw outside {@code rest.paths}
     * @param limits           the traffic limits' current counts and refusals ({@code "limits"} in the answer)
     * @param dataPlane        what forwards to the upstream ({@code "dataPlane"}: engine, transport)
     */
    public HealthHandler(
            Database database,
            ActivityRecorder activity,
            String version,
            LongSupplier passwordsOutside,
            Supplier<Map<String, Object>> limits,
            Supplier<Map<String, Object>> dataPlane) {
        this(database, activity, version, passwordsOutside, limits, dataPlane, null);
    }

    /** As above; {@code watch} (or null) says whether and since when the database is unreachable. */
    public HealthHandler(
            Database database,
            ActivityRecorder activity,
            String version,
            LongSupplier passwordsOutside,
            Supplier<Map<String, Object>> limits,
            Supplier<Map<String, Object>> dataPlane,
            DatabaseWatch watch) {
        this.watch = watch;
        this.dataPlane = dataPlane;
        this.database = database;
        this.activity = activity;
        this.version = version;
        this.passwordsOutside = passwordsOutside;
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!PATH.equals(request.getHttpURI().getPath())) {
            return false;
        }
        boolean databaseUp;
        Optional<String> degraded = Optional.empty();
        String status;
        if (watch == null) {
            databaseUp = databaseAnswers();
            status = databaseUp ? "UP" : "DOWN";
        } else if (database.isClosed()) {
            databaseUp = false;
            status = "DOWN";
        } else {
            databaseUp = !watch.unreachable();
            degraded = watch.degradedReason();
            // Within the grace an unreachable database leaves the node UP: it serves the tokens it knows.
            status = degraded.isPresent() ? "DEGRADED" : "UP";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        degraded.ifPresent(reason -> body.put("reason", reason));
        body.put("version", version);
        Map<String, Object> databaseStats = new LinkedHashMap<>();
        databaseStats.put("status", databaseUp ? "UP" : "DOWN");
        databaseStats.put("kind", database.kind().name().toLowerCase());
        if (watch != null) {
            databaseStats.put("lastReached", watch.lastReached().toString());
        }
        body.put("database", databaseStats);
        Map<String, Object> activityStats = new LinkedHashMap<>();
        activityStats.put("queued", activity.queued());
        activityStats.put("written", activity.written());
        activityStats.put("dropped", activity.dropped());
        // Held back while the database is unreachable, written when it answers.
        activityStats.put("held", activity.held());
        // Usage analytics counts lost to the per-minute key bound or a failed write.
        activityStats.put("usageDropped", activity.usageDropped());
        body.put("activity", activityStats);
        // Non-zero: passwords reach the upstream on paths PATgate does not treat as REST (see rest.paths).
        body.put("gateway", Map.of("passwordAuthOutsideRestPaths", passwordsOutside.getAsLong()));
        body.put("limits", limits.get());
        body.put("dataPlane", dataPlane.get());
        response.setStatus(status.equals("UP") ? 200 : 503);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.write(body)), callback);
        return true;
    }

    private boolean databaseAnswers() {
        try (Connection connection = database.dataSource().getConnection()) {
            return connection.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
