package org.patgate.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.directory.Directories;
import org.patgate.server.directory.ldap.DirectoryStatus;
import org.patgate.server.directory.ldap.LdapDirectory;
import org.patgate.server.error.ConflictException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;

/**
 * {@code GET /directory}: which user directories are in use and how the LDAP one is doing, and
 * {@code POST /directory/test}: check the LDAP directory now (connect, bind as the service account,
 * read both base entries). Admins only. The answers hold server URLs, timings and the LDAP result of
 * the last failure, never a password. Thread-safe.
 */
public final class DirectoryResource {

    private final Directories directories;
    private final AuditLog audit;

    public DirectoryResource(Directories directories, AuditLog audit) {
        this.directories = directories;
        this.audit = audit;
    }

    /** One directory. {@code status}: {@code up}, {@code down}, or {@code unknown} before anything was tried. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DirectoryView(
            String kind,
            String status,
            List<String> urls,
            String serverInUse,
            Long latencyMs,
            Instant checkedAt,
            String lastError) {}

    record DirectoriesView(List<String> kinds, List<DirectoryView> directories) {}

    /** {@code GET /directory}: the user directories and their state (admins). */
    void status(Exchange exchange, Principal principal) {
        principal.requireAdmin("see or test the user directories");
        List<DirectoryView> views = new ArrayList<>();
        views.add(new DirectoryView("local", "up", null, null, null, null, null));
        directories.ldap().ifPresent(ldap -> views.add(view(ldap, ldap.status())));
        exchange.sendJson(
                200, new DirectoriesView(views.stream().map(DirectoryView::kind).toList(), views));
    }

    /** {@code POST /directory/test}: binds and searches with the service account now, audited (admins). */
    void test(Exchange exchange, Principal principal) {
        principal.requireAdmin("see or test the user directories");
        LdapDirectory ldap = directories
                .ldap()
                .orElseThrow(() -> new ConflictException(
                        "no LDAP directory is configured (directory.ldap.urls); local users need no connection test"));
        DirectoryStatus status = ldap.testConnection();
        if (status.reachable()) {
            audit.success(
                    principal.username(),
                    "directory.test",
                    "ldap",
                    exchange.sourceIp(),
                    "server=" + status.serverUrl());
        } else {
            audit.failure(principal.username(), "directory.test", "ldap", exchange.sourceIp(), status.lastError());
        }
        exchange.sendJson(200, view(ldap, status));
    }

    private static DirectoryView view(LdapDirectory ldap, DirectoryStatus status) {
        String state = status.checkedAt() == null ? "unknown" : status.reachable() ? "up" : "down";
        return new DirectoryView(
                "ldap",
                state,
                ldap.urls(),
                status.reachable() ? status.serverUrl() : null,
                status.latency() == null ? null : status.latency().toMillis(),
                status.checkedAt(),
                status.lastError());
    }
}
