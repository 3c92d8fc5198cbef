package org.patgate.server.notify;

import java.time.Instant;
import org.patgate.server.store.TokenRecord;

/**
 * Something about a token that people are told of. Each event names its {@link #type()} (the
 * {@code event} of webhooks and the delivery log), the token, who is told ({@link #audience()}), and a
 * key that is the same every time the same notice would be produced again, so it is sent once.
 * Immutable.
 */
public sealed interface NotificationEvent {

    /** Who is told: the token's owner (and the owner's groups' targets), or those who approve tokens. */
    enum Audience {
        OWNER,
        APPROVERS
    }

    /** The wire name: {@code token.expiring}, {@code approval.requested}, ... */
    String type();

    TokenRecord token();

    /** Unique per notice: the same token, event and occasion give the same key. */
    String key();

    default Audience audience() {
        return Audience.OWNER;
    }

    /** The token expires in {@code daysLeft} days; the reminder set for {@code reminderDays} before expiry. */
    record ExpiryReminder(TokenRecord token, int reminderDays, long daysLeft) implements NotificationEvent {
        public String type() {
            return "token.expiring";
        }

        public String key() {
            return type() + ":" + token.id() + ":" + token.expiresAt().getEpochSecond() + ":" + reminderDays;
        }
    }

    /** The token has expired. */
    record Expired(TokenRecord token) implements NotificationEvent {
        public String type() {
            return "token.expired";
        }

        public String key() {
            return type() + ":" + token.id() + ":" + token.expiresAt().getEpochSecond();
        }
    }

    /** Someone else ({@code creator}) created the token for its owner. */
    record CreatedForYou(TokenRecord token, String creator) implements NotificationEvent {
        public String type() {
            return "token.created-for-you";
        }

        public String key() {
            return type() + ":" + token.id();
        }
    }

    /** Someone other than the owner ({@code revoker}, an administrator) revoked the token. */
    record RevokedByAdmin(TokenRecord token, String revoker) implements NotificationEvent {
        public String type() {
            return "token.revoked";
        }

        public String key() {
            return type() + ":" + token.id();
        }
    }

    /** A new token waits for approval; approvers are told. */
    record ApprovalRequested(TokenRecord token) implements NotificationEvent {
        public String type() {
            return "approval.requested";
        }

        public String key() {
            return type() + ":" + token.id();
        }

        @Override
        public Audience audience() {
            return Audience.APPROVERS;
        }
    }

    /** An approver approved or denied the token ({@code reason} may be null). */
    record ApprovalDecided(TokenRecord token, boolean approved, String decider, String reason)
            implements NotificationEvent {
        public String type() {
            return "approval.decided";
        }

        public String key() {
            return type() + ":" + token.id();
        }
    }

    /** The token has not been used since {@code lastUse}; it will be revoked at {@code revokeAt}. */
    record UnusedNotice(TokenRecord token, Instant lastUse, long unusedDays, Instant revokeAt)
            implements NotificationEvent {
        public String type() {
            return "token.unused";
        }

        public String key() {
            return type() + ":" + token.id() + ":" + lastUse.getEpochSecond();
        }
    }

    /** The token was revoked after {@code unusedDays} days without use. */
    record RevokedUnused(TokenRecord token, long unusedDays) implements NotificationEvent {
        public String type() {
            return "token.revoked-unused";
        }

        public String key() {
            return type() + ":" + token.id();
        }
    }

    /** The token was used from an address it was never used from before. */
    record NewAddress(TokenRecord token, String address, String userAgent, Instant at) implements NotificationEvent {
        public String type() {
            return "token.new-address";
        }

        public String key() {
            return type() + ":" + token.id() + ":" + address;
        }
    }
}
