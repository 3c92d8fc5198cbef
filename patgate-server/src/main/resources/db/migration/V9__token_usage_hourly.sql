-- Requests per token and hour, counted from every activity event (token_requests keeps only the
-- newest few requests of each token; these counters keep the whole history for charts). Rows older
-- than the retention are deleted by the activity writer.
CREATE TABLE token_usage_hourly (
    token_id   VARCHAR(32)              NOT NULL,
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    requests   BIGINT                   NOT NULL,
    failed     BIGINT                   NOT NULL,
    CONSTRAINT token_usage_hourly_pk PRIMARY KEY (token_id, hour_start),
    CONSTRAINT token_usage_hourly_token_fk FOREIGN KEY (token_id) REFERENCES tokens (id) ON DELETE CASCADE
);
CREATE INDEX token_usage_hourly_hour_ix ON token_usage_hourly (hour_start);
