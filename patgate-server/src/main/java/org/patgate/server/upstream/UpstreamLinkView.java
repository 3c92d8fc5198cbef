package org.patgate.server.upstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.patgate.server.store.UpstreamLinkRecord;

/**
 * A user's link as the user, the admin and the API see it; never a secret.
 *
 * @param status           {@code linked}, {@code expiring} (expires within 7 days), {@code expired},
 *                         {@code broken} or {@code revoked}
 * @param reason           why it is not simply linked (null when it is)
 * @param kind             {@code pasted}, {@code minted} or {@code service}
 * @param upstreamUsername the user's name on the product
 * @param linkedAt         when the current native token was linked
 * @param expiresAt        when the native token expires (null: unknown or never)
 * @param checkedAt        when the product last told us about the token
 * @param revokedUpstream  after an unlink: whether the product confirmed the revocation (else null)
 * @param revokeNote       after an unlink that did not revoke upstream: why not (else null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpstreamLinkView(
        String status,
        String reason,
        String kind,
        String upstreamUsername,
        Instant linkedAt,
        Instant expiresAt,
        Instant checkedAt,
        Boolean revokedUpstream,
        String revokeNote) {

    /** A user who never linked: status {@code unlinked}. */
    public static UpstreamLinkView unlinked() {
        return new UpstreamLinkView("unlinked", "not linked yet", null, null, null, null, null, null, null);
    }

    /**
     * The view of a stored link at {@code now}: a linked link whose token expires within
     * {@link UpstreamLinks#EXPIRING_WITHIN} is expiring, one whose token expired is expired.
     */
    static UpstreamLinkView of(UpstreamLinkRecord link, Instant now, Boolean revokedUpstream, String note) {
        String status = link.status();
        String reason = link.reason();
        if (UpstreamLinkRecord.STATUS_LINKED.equals(status) && link.expiresAt() != null) {
            if (!now.isBefore(link.expiresAt())) {
                status = "expired";
                reason = "the upstream token expired at " + link.expiresAt();
            } else if (now.plus(UpstreamLinks.EXPIRING_WITHIN).isAfter(link.expiresAt())) {
                status = "expiring";
                reason = "the upstream token expires at " + link.expiresAt();
            }
        }
        return new UpstreamLinkView(
                status,
                reason,
                link.kind(),
                link.upstreamUsername(),
                link.createdAt(),
                link.expiresAt(),
                link.checkedAt(),
                revokedUpstream,
                note);
    }
}
