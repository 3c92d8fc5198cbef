package org.patgate.server.audit;

import java.io.OutputStream;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.Database;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * Reading the audit trail, for admins: a page of the events the filters of {@link AuditExport}
 * select, or all of them as CSV. The management API and the web UI both read it here. Thread-safe.
 */
public final class AuditTrail {

    private final Database database;
    private final Clock clock;

    public AuditTrail(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * One page of the events {@code parameter} (filter name to value, null when absent) selects,
     * newest first.
     */
    public Page<AuditEvent> search(Principal actor, Function<String, String> parameter, PageRequest page) {
        return database.audit().search(AuditExport.query(parameter, actor, null, page));
    }

    /**
     * The writer of the CSV of every event {@code parameter} selects, newest first. Events recorded
     * after the export started are left out (the range ends at that instant at the latest), so
     * paging stays stable.
     */
    public Consumer<OutputStream> export(Principal actor, Function<String, String> parameter) {
        return AuditExport.csv(
                database.audit(),
                AuditExport.query(parameter, actor, AuditExport.exportLatest(clock), new PageRequest(0, 1)));
    }
}
