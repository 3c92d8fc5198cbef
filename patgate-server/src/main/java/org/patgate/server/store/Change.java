package org.patgate.server.store;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One committed change other nodes must apply to their caches: a row of the change log.
 *
 * @param seq     its place in the log (increasing, with gaps; commit order may differ slightly)
 * @param subject a token's digest (hex) for {@link Kind#TOKEN}, a user id for {@link Kind#OWNER} and
 *                {@link Kind#UPSTREAM_LINK}, empty for the others
 * @param at      when it was logged; null for a change that arrived by notification (which carries no time)
 */
public record Change(long seq, Kind kind, String subject, Instant at) {

    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
    }

    /** What changed, so a node knows which cached answers to forget. */
    public enum Kind {
        /** One token's status or secret (revoked, rotated, approved or denied). */
        TOKEN,
        /** A user's state, groups or rate limit: every token of theirs. */
        OWNER,
        /** Group permissions: every cached token check. */
        PERMISSIONS,
        /** Token policies (rate limits among them): every cached token check. */
        POLICIES,
        /** The REST settings (password authentication, paths, …). */
        SETTINGS,
        /** A user's link to the upstream product (its credential). */
        UPSTREAM_LINK,
        /** Anything else: forget everything. */
        ALL;

        /** The name in the log and in notifications: {@code token}, {@code upstream-link}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind of a wire name; an unknown name (a newer node's) is {@link #ALL}, the safe reading. */
        public static Kind fromWireName(String name) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(name)) {
                    return kind;
                }
            }
            return ALL;
        }
    }
}
