-- Usage analytics: counters per dimension ('token', 'ip', 'path') and bucket, for the span 'minute'
-- (kept 24 hours) and 'hour' (kept activity.usageRetention). Written in batches by the activity
-- writer from in-memory per-minute aggregates; adding is an upsert, so several nodes add to one row.
-- Keys are not foreign keys: a token's counters outlive nothing but its retention, and ip/path keys
-- name nothing in the database. The user dimension is computed from the token rows.
-- lat_00 .. lat_13 count forwarded requests by latency: up to 1, 2, 5, 10, 25, 50, 100, 250, 500
-- ms, 1, 2.5, 5, 10 s, and above; fixed buckets, so percentiles can be computed after summing rows.
CREATE TABLE usage_counters (
    span         VARCHAR(8)               NOT NULL,
    dimension    VARCHAR(8)               NOT NULL,
    usage_key    VARCHAR(512)             NOT NULL,
    bucket_start TIMESTAMP WITH TIME ZONE NOT NULL,
    requests     BIGINT                   NOT NULL,
    refused      BIGINT                   NOT NULL,
    rate_limited BIGINT                   NOT NULL,
    status_2xx   BIGINT                   NOT NULL,
    status_3xx   BIGINT                   NOT NULL,
    status_4xx   BIGINT                   NOT NULL,
    status_5xx   BIGINT                   NOT NULL,
    lat_00       BIGINT                   NOT NULL,
    lat_01       BIGINT                   NOT NULL,
    lat_02       BIGINT                   NOT NULL,
    lat_03       BIGINT                   NOT NULL,
    lat_04       BIGINT                   NOT NULL,
    lat_05       BIGINT                   NOT NULL,
    lat_06       BIGINT                   NOT NULL,
    lat_07       BIGINT                   NOT NULL,
    lat_08       BIGINT                   NOT NULL,
    lat_09       BIGINT                   NOT NULL,
    lat_10       BIGINT                   NOT NULL,
    lat_11       BIGINT                   NOT NULL,
    lat_12       BIGINT                   NOT NULL,
    lat_13       BIGINT                   NOT NULL,
    CONSTRAINT usage_counters_pk PRIMARY KEY (span, dimension, usage_key, bucket_start),
    CONSTRAINT usage_counters_span_ck CHECK (span IN ('minute', 'hour')),
    CONSTRAINT usage_counters_dimension_ck CHECK (dimension IN ('token', 'ip', 'path'))
);
CREATE INDEX usage_counters_window_ix ON usage_counters (span, dimension, bucket_start);

-- Refusals of the same rows, by reason code (token-expired, read-only, rate-limited, ...).
CREATE TABLE usage_refusals (
    span         VARCHAR(8)               NOT NULL,
    dimension    VARCHAR(8)               NOT NULL,
    usage_key    VARCHAR(512)             NOT NULL,
    bucket_start TIMESTAMP WITH TIME ZONE NOT NULL,
    reason       VARCHAR(64)              NOT NULL,
    refusals     BIGINT                   NOT NULL,
    CONSTRAINT usage_refusals_pk PRIMARY KEY (span, dimension, usage_key, bucket_start, reason)
);
CREATE INDEX usage_refusals_window_ix ON usage_refusals (span, dimension, bucket_start);

-- The last distinct client addresses of each token (at most 10 kept, newest last_seen first), written
-- by the activity writer.
CREATE TABLE token_addresses (
    token_id   VARCHAR(32)              NOT NULL,
    address    VARCHAR(45)              NOT NULL,
    first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen  TIMESTAMP WITH TIME ZONE NOT NULL,
    user_agent VARCHAR(255),
    CONSTRAINT token_addresses_pk PRIMARY KEY (token_id, address),
    CONSTRAINT token_addresses_token_fk FOREIGN KEY (token_id) REFERENCES tokens (id) ON DELETE CASCADE
);
