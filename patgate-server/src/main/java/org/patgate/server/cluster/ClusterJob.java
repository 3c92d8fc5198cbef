package org.patgate.server.cluster;

/**
 * The scheduled jobs that run once per cluster at a time, each with a lock key that never changes:
 * nodes of different versions in a rolling upgrade must agree on it. A new job takes a new number;
 * a number is never reused for another job.
 */
public enum ClusterJob {
    /** Expiry reminders, expired-token notices, unused-token notices and their revocation. */
    NOTICE_SCHEDULE(1, "notice-schedule"),
    /** Deleting the tokens' hourly request counters older than their retention. */
    TOKEN_USAGE_PURGE(2, "token-usage-purge"),
    /** Deleting the usage analytics' minute and hour counters older than their retention. */
    USAGE_COUNTER_PURGE(3, "usage-counter-purge"),
    /** Deleting the cluster's change log rows older than its retention. */
    CHANGE_LOG_PURGE(4, "change-log-purge"),
    /** Deleting the rate-limit counts shared between nodes that no node has added to for a day. */
    RATE_LIMIT_TAKES_PURGE(5, "rate-limit-takes-purge");

    private final int key;
    private final String label;

    ClusterJob(int key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The job's lock key within PATgate's lock namespace (see {@link ClusterJobs#LOCK_NAMESPACE}). */
    public int key() {
        return key;
    }

    /** The job's name in logs and metrics. */
    public String label() {
        return label;
    }
}
