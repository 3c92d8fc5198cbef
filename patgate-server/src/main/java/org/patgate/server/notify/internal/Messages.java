package org.patgate.server.notify.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patgate.server.notify.NotificationEvent;
import org.patgate.server.store.TokenRecord;

/**
 * The texts of the notices: a mail subject and plain-text body, and the webhook's JSON. They name the
 * token (name and id), its owner and its times, never its secret: there is no secret to name, the
 * store keeps only a digest. Stateless and thread-safe.
 */
public final class Messages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** A mail: subject and plain text. */
    public record Mail(String subject, String text) {}

    private final String baseUrl;

    /** @param baseUrl where users reach the UI ({@code notifications.baseUrl}); empty: mails carry no links */
    public Messages(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public Mail mail(NotificationEvent event) {
        TokenRecord token = event.token();
        String named = "\"" + token.name() + "\" (id " + token.id() + ", owner " + token.ownerUsername() + ")";
        return switch (event) {
            case NotificationEvent.ExpiryReminder e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" expires in " + days(e.daysLeft()),
                        "Your PATgate token " + named + " expires in " + days(e.daysLeft()) + ", at "
                                + shown(token.expiresAt()) + ".\n"
                                + lastUse(token) + "\n"
                                + rotation(token));
            case NotificationEvent.Expired e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" has expired",
                        "Your PATgate token " + named + " expired at " + shown(token.expiresAt())
                                + ". Requests with it are refused.\n"
                                + lastUse(token) + "\n"
                                + "Create a new token to replace it"
                                + (baseUrl.isEmpty() ? "" : ": " + baseUrl + "/.patgate/tokens/new")
                                + "\n");
            case NotificationEvent.CreatedForYou e ->
                new Mail(
                        "A PATgate token was created for you",
                        e.creator() + " created the PATgate token " + named + " for you"
                                + (token.expiresAt() == null ? "" : "; it expires at " + shown(token.expiresAt()))
                                + ".\nThe secret was shown once, to " + e.creator() + ". If you did not expect this "
                                + "token, revoke it or ask an administrator.\n" + link(token));
            case NotificationEvent.RevokedByAdmin e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" was revoked",
                        e.revoker() + " revoked your PATgate token " + named
                                + ". Requests with it are refused from now on.\n" + link(token));
            case NotificationEvent.ApprovalRequested e ->
                new Mail(
                        "PATgate token waiting for approval: \"" + token.name() + "\"",
                        "The PATgate token " + named + " waits for approval (created by " + token.creatorUsername()
                                + ", scope " + token.scope().wireName() + ").\n"
                                + (baseUrl.isEmpty() ? "" : "Decide: " + baseUrl + "/.patgate/admin/approvals\n"));
            case NotificationEvent.ApprovalDecided e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" was " + (e.approved() ? "approved" : "denied"),
                        e.decider() + (e.approved() ? " approved" : " denied") + " your PATgate token " + named + "."
                                + (e.reason() == null || e.reason().isEmpty() ? "" : "\nReason: " + e.reason())
                                + "\n" + link(token));
            case NotificationEvent.UnusedNotice e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" is unused and will be revoked",
                        "Your PATgate token " + named + " has not been used for " + days(e.unusedDays())
                                + ". Unless it is used, it will be revoked at " + shown(e.revokeAt()) + ".\n"
                                + lastUse(token) + "\n" + link(token));
            case NotificationEvent.RevokedUnused e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" was revoked: unused",
                        "Your PATgate token " + named + " was revoked after " + days(e.unusedDays()) + " without use.\n"
                                + link(token));
            case NotificationEvent.NewAddress e ->
                new Mail(
                        "PATgate token \"" + token.name() + "\" used from a new address",
                        "Your PATgate token " + named + " was used from " + e.address() + " for the first time, at "
                                + shown(e.at()) + (e.userAgent() == null ? "" : " (client " + e.userAgent() + ")")
                                + ".\nIf that was not you or your script, revoke the token now.\n" + link(token));
        };
    }

    /** The webhook's JSON body. */
    public String webhook(NotificationEvent event, Instant now) {
        TokenRecord token = event.token();
        Map<String, Object> tokenView = new LinkedHashMap<>();
        tokenView.put("id", token.id());
        tokenView.put("name", token.name());
        tokenView.put("owner", token.ownerUsername());
        tokenView.put("creator", token.creatorUsername());
        tokenView.put("scope", token.scope().wireName());
        tokenView.put("status", token.effectiveStatus(now));
        tokenView.put("createdAt", iso(token.createdAt()));
        tokenView.put("expiresAt", iso(token.expiresAt()));
        tokenView.put("lastUsedAt", iso(token.lastUsedAt()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event.type());
        body.put("occurredAt", iso(now));
        body.put("token", tokenView);
        Map<String, Object> details = new LinkedHashMap<>();
        switch (event) {
            case NotificationEvent.ExpiryReminder e -> {
                details.put("daysLeft", e.daysLeft());
                details.put("reminderDays", e.reminderDays());
            }
            case NotificationEvent.Expired e -> {}
            case NotificationEvent.CreatedForYou e -> details.put("createdBy", e.creator());
            case NotificationEvent.RevokedByAdmin e -> details.put("revokedBy", e.revoker());
            case NotificationEvent.ApprovalRequested e -> {}
            case NotificationEvent.ApprovalDecided e -> {
                details.put("decision", e.approved() ? "approved" : "denied");
                details.put("decidedBy", e.decider());
                details.put("reason", e.reason());
            }
            case NotificationEvent.UnusedNotice e -> {
                details.put("unusedDays", e.unusedDays());
                details.put("revokeAt", iso(e.revokeAt()));
            }
            case NotificationEvent.RevokedUnused e -> details.put("unusedDays", e.unusedDays());
            case NotificationEvent.NewAddress e -> {
                details.put("address", e.address());
                details.put("userAgent", e.userAgent());
            }
        }
        body.put("details", details);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook body", e);
        }
    }

    private String rotation(TokenRecord token) {
        return "To keep your scripts working, rotate it (a new secret, same token) before then:\n"
                + (baseUrl.isEmpty() ? "" : "  in the web UI: " + baseUrl + "/.patgate/tokens/" + token.id() + "\n")
                + "  with the command line: patgate token rotate " + token.id() + "\n";
    }

    private String link(TokenRecord token) {
        return baseUrl.isEmpty() ? "" : "Details: " + baseUrl + "/.patgate/tokens/" + token.id() + "\n";
    }

    private static String lastUse(TokenRecord token) {
        return token.lastUsedAt() == null
                ? "It has never been used."
                : "Last used at " + shown(token.lastUsedAt())
                        + (token.lastUsedIp() == null ? "" : " from " + token.lastUsedIp()) + ".";
    }

    private static String days(long days) {
        return days == 1 ? "1 day" : days + " days";
    }

    private static String shown(Instant instant) {
        return instant == null ? "never" : SHOWN.format(instant);
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
