package org.patgate.server.ui.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenRequestRecord;

/**
 * What the templates show, computed here so templates hold no logic beyond loops and conditions.
 * Every value is plain text; the templates escape it. Immutable.
 */
public final class Views {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private Views() {}

    public static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    public static String date(Instant instant) {
        return instant == null ? "" : DATE.format(instant);
    }

    /** The page frame: title, which navigation entry is current, who is signed in, the CSRF token. */
    public record Shell(
            String title,
            String nav,
            String username,
            String displayName,
            boolean admin,
            String csrf,
            AssetPaths assets,
            String linkProduct,
            boolean linkHint) {
        public boolean signedIn() {
            return username != null;
        }
    }

    /** Where the versioned vendor files are served. */
    public record AssetPaths(String htmx, String uplotJs, String uplotCss) {}

    /** One row of a token table. */
    public record TokenRow(
            String id,
            String name,
            String owner,
            String scope,
            String hint,
            String created,
            String expires,
            String lastUsed,
            String lastUsedFrom,
            String status,
            String rules) {

        public static TokenRow of(TokenRecord token, Instant now) {
            return new TokenRow(
                    token.id(),
                    token.name(),
                    token.ownerUsername(),
                    token.scope().wireName(),
                    "…" + token.hint(),
                    time(token.createdAt()),
                    token.expiresAt() == null ? "never" : time(token.expiresAt()),
                    time(token.lastUsedAt()),
                    token.lastUsedIp() == null ? "" : token.lastUsedIp(),
                    token.effectiveStatus(now),
                    rulesOf(token));
        }

        public boolean active() {
            return status.equals("active");
        }

        public boolean revocable() {
            return !status.equals("revoked") && !status.equals("denied");
        }

        private static String rulesOf(TokenRecord token) {
            var rules = org.patgate.server.token.TokenRulesCodec.fromStored(token.rulesJson());
            if (rules.preset() != null) {
                return rules.preset();
            }
            return rules.allow().isEmpty() && rules.deny().isEmpty() ? "none" : "custom";
        }
    }

    /** A token's full settings and state for its detail page. */
    public record TokenDetail(
            TokenRow row,
            String createdBy,
            List<String> allowedIps,
            String statusReason,
            String decision,
            String lastUsedAgent,
            String rotated,
            String rateLimit) {}

    /** One recorded request. */
    public record RequestRow(
            String at, String method, String path, int status, String latency, String ip, String agent) {
        public static RequestRow of(TokenRequestRecord r) {
            return new RequestRow(
                    time(r.at()),
                    r.method(),
                    r.path(),
                    r.status(),
                    String.format(Locale.ROOT, "%.1f ms", r.latencyMicros() / 1000.0),
                    r.clientIp() == null ? "" : r.clientIp(),
                    r.userAgent() == null ? "" : r.userAgent());
        }

        public boolean failed() {
            return status >= 400;
        }
    }

    /** What the create form was filled with (echoed back when it has errors). */
    public record CreateForm(
            String name, String expiresOn, String scope, String allowedIps, String preset, String owner) {
        public static final CreateForm EMPTY = new CreateForm("", "", "read-only", "", "", "");

        /** An empty form for a token owned by {@code owner} (empty: the caller). */
        public static CreateForm forOwner(String owner) {
            return new CreateForm("", "", "read-only", "", "", owner == null ? "" : owner);
        }
    }

    /**
     * The limits the owner's policy sets on a new token, shown beside the form.
     *
     * @param maxDays null when tokens may live forever
     * @param maxDaysBy who set the limit ("the server", or a group's policy)
     */
    public record Limits(
            Integer maxDays,
            String maxDaysBy,
            String minDate,
            String maxDate,
            boolean expiryRequired,
            List<String> scopes,
            Map<String, String> presets,
            String approvalBy) {}

    /** A secret shown once, with a ready-to-run example. */
    public record Issued(TokenRow token, String secret, String curl, boolean rotated) {}

    /** A page of rows with the links to its neighbours (null when there is none). */
    public record Paging(long total, int page, String previous, String next) {}

    /** A user in the admin list. */
    public record UserRow(
            String username, String displayName, String email, boolean enabled, String created, String groups) {}

    /**
     * One {@code rest.*} setting in the settings form.
     *
     * @param value   the text in the input: a list one item per line
     * @param choices the allowed values of a choice (empty for free text and lists)
     * @param source  {@code configuration} or {@code stored}
     * @param error   what is wrong with the submitted value, or null
     */
    public record SettingField(
            String name,
            String label,
            String help,
            boolean list,
            String value,
            List<String> choices,
            String source,
            String error) {}

    /**
     * A group's (or everyone's) card on the permissions page.
     *
     * @param key     the group key, {@code *} for everyone
     * @param id      an id for the card's elements, safe in HTML ids
     * @param granted the wire names of the permissions it holds
     * @param error   why the last change to it was refused, or null
     */
    public record GroupAccess(
            String key,
            String label,
            String id,
            Set<String> granted,
            boolean hasPolicy,
            PolicyForm policy,
            String error) {
        public boolean everyone() {
            return key.equals("*");
        }
    }

    /** A policy as its form shows it: numbers as text (empty = no limit), ranges one per line. */
    public record PolicyForm(
            String maxLifetimeDays,
            boolean expiryRequired,
            String maxActiveTokens,
            boolean readOnly,
            boolean readWrite,
            String requiredIpRanges,
            boolean approvalRequired,
            String rateLimitPerMinute,
            String rateLimitPerSecond,
            String rateLimitPerDay,
            String rateLimitBurst,
            String reminderDays,
            String revokeUnusedAfterDays) {

        public static final PolicyForm EMPTY =
                new PolicyForm("", false, "", false, false, "", false, "", "", "", "", "", "");

        public static PolicyForm of(org.patgate.server.policy.Policy p) {
            var scopes = p.allowedScopes();
            return new PolicyForm(
                    text(p.maxLifetimeDays()),
                    p.expiryRequired(),
                    text(p.maxActiveTokens()),
                    scopes != null && scopes.contains(org.patgate.core.token.Scope.READ_ONLY),
                    scopes != null && scopes.contains(org.patgate.core.token.Scope.READ_WRITE),
                    p.requiredIpRanges() == null ? "" : String.join("\n", p.requiredIpRanges()),
                    p.approvalRequired(),
                    text(p.rateLimitPerMinute()),
                    text(p.rateLimitPerSecond()),
                    text(p.rateLimitPerDay()),
                    text(p.rateLimitBurst()),
                    p.reminderDays() == null
                            ? ""
                            : p.reminderDays().isEmpty()
                                    ? "none"
                                    : String.join(
                                            ", ",
                                            p.reminderDays().stream()
                                                    .map(String::valueOf)
                                                    .toList()),
                    text(p.revokeUnusedAfterDays()));
        }

        private static String text(Integer value) {
            return value == null ? "" : value.toString();
        }
    }

    /** One audit event; absent values are empty. */
    public record AuditRow(
            long id,
            String at,
            String actor,
            String action,
            String target,
            String sourceIp,
            String outcome,
            String detail) {
        public static AuditRow of(org.patgate.server.store.AuditEvent e) {
            return new AuditRow(
                    e.id(),
                    e.occurredAt().truncatedTo(ChronoUnit.SECONDS).toString(),
                    orEmpty(e.actor()),
                    e.action(),
                    orEmpty(e.target()),
                    orEmpty(e.sourceIp()),
                    orEmpty(e.outcome()),
                    orEmpty(e.detail()));
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }
    }
}
